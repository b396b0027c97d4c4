import { describe, expect, it } from 'vitest';
import { PermanentError, StageError } from '../../../src/jobs/cki-notifier/errors.ts';
import { ClaimHeldError, NotificationLedger } from '../../../src/jobs/cki-notifier/ledger.ts';
import { LogReadyForTestPublisher } from '../../../src/jobs/cki-notifier/publisher.ts';
import { createLogger } from '../../../src/log.ts';
import { checkoutTree, dataWarehouseMessage } from '../../../src/sandbox/datawarehouse/index.ts';
import { TreeFakeDataWarehouse, harness, type FakeTreeAnswer } from './fakes.ts';
import { MemoryLedgerStore } from './memory-store.ts';

const msg = (tree: ReturnType<typeof checkoutTree>, status: string, misc: Record<string, unknown> = {}) => Buffer.from(JSON.stringify(dataWarehouseMessage(tree.checkout, status, misc)));

describe('NotificationProcessor: the spec section 9 vectors', () => {
  it('9.1 build_setups_finished, 3 builds (1 failed) -> one pre-test message with the 2 good builds', async () => {
    const h = harness();
    const t = checkoutTree({ n: 1, builds: [{ arch: 'x86_64' }, { arch: 'aarch64' }, { arch: 'ppc64le', valid: false }] });
    h.dw.add(t);
    const out = await h.processor.process(msg(t, 'build_setups_finished'));
    expect(out).toMatchObject({ result: 'sent', kind: 'pre_test', route: 'pre_test', status: 'success', published: true });
    expect(h.publisher.published).toHaveLength(1);
    const m = h.publisher.published[0]!.message;
    expect(m.cki_finished).toBe(false);
    expect(m.build_info.map((b) => b.architecture)).toEqual(['x86_64', 'aarch64']);
    expect(h.publisher.published[0]!.meta).toEqual({ key: 'redhat:1|pre_test|success', checkoutId: 'redhat:1', kind: 'pre_test', status: 'success' });
  });

  it('9.2 build_setups_finished, all builds failed -> nothing sent (no_successful_builds)', async () => {
    const h = harness();
    const t = checkoutTree({ n: 2, builds: [{ arch: 'x86_64', valid: false }, { arch: 'aarch64', valid: false }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'skipped', reason: 'no_successful_builds' });
    expect(h.publisher.published).toHaveLength(0);
  });

  it('9.3 ready_to_report, PASS + a triaged FAIL -> post-test success', async () => {
    const h = harness();
    const t = checkoutTree({ n: 3, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', triaged: true }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', kind: 'post_test', status: 'success' });
    expect(h.publisher.published[0]!.message).toMatchObject({ cki_finished: true, status: 'success' });
  });

  it('9.4 ready_to_report with an untriaged ERROR -> error; with an untriaged FAIL -> fail (+ Slack notice)', async () => {
    const h = harness();
    const e = checkoutTree({ n: 41, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'ERROR' }] }] });
    const f = checkoutTree({ n: 42, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] });
    h.dw.add(e, f);
    expect(await h.processor.process(msg(e, 'ready_to_report'))).toMatchObject({ status: 'error' });
    expect(h.notices).toHaveLength(0);
    expect(await h.processor.process(msg(f, 'ready_to_report'))).toMatchObject({ status: 'fail' });
    expect(h.notices).toEqual([expect.stringMatching(/^CKI post-test result for checkout redhat:42 \(rhel-9\) is fail: untriaged redhat:42-x86_64-0-t0\. Pipeline: https:\/\/.+\/pipelines\/42$/)]);
  });

  it('reads issue occurrences only when a counted build or test failed (they only triage failures)', async () => {
    const h = harness();
    const pass = checkoutTree({ n: 43, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', waived: true }] }] });
    const failedTest = checkoutTree({ n: 44, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    const failedBuild = checkoutTree({ n: 45, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }] }, { arch: 'aarch64', valid: false, triaged: true }] });
    h.dw.add(pass, failedTest, failedBuild);
    expect(await h.processor.process(msg(pass, 'ready_to_report'))).toMatchObject({ status: 'success' });
    expect(h.dw.calls.filter((c) => c.startsWith('occurrences'))).toEqual([]);
    // Triaged by its occurrence: success, which needed the occurrences.
    expect(await h.processor.process(msg(failedTest, 'ready_to_report'))).toMatchObject({ status: 'success' });
    expect(await h.processor.process(msg(failedBuild, 'ready_to_report'))).toMatchObject({ status: 'success' });
    expect(h.dw.calls.filter((c) => c.startsWith('occurrences'))).toEqual(['occurrences redhat:44', 'occurrences redhat:45']);
  });

  it('9.5 a waived FAIL only -> success', async () => {
    const h = harness();
    const t = checkoutTree({ n: 5, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', waived: true }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ status: 'success' });
  });

  it('9.6 retrigger, foreign origin, invalid checkout -> skipped, nothing published', async () => {
    const h = harness();
    const retrigger = checkoutTree({ n: 61, misc: { retrigger: true } });
    const foreign = checkoutTree({ n: 62, origin: 'redhat-qe' });
    const invalid = checkoutTree({ n: 63, valid: false });
    h.dw.add(retrigger, foreign, invalid);
    expect(await h.processor.process(msg(retrigger, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'retrigger' });
    expect(await h.processor.process(msg(foreign, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'origin' });
    expect(await h.processor.process(msg(invalid, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'invalid_checkout' });
    // Retrigger and origin are read from the message object before DataWarehouse is asked; the
    // invalid checkout's builds were asked alongside it (the message did not say it was invalid).
    expect(h.dw.calls).toEqual(['checkout redhat:63', 'builds redhat:63']);
    expect(h.publisher.published).toHaveLength(0);
  });

  it('the DataWarehouse checkout is authoritative when the message object is stale', async () => {
    const h = harness();
    const t = checkoutTree({ n: 64 });
    h.dw.add(t);
    h.dw.checkouts.get('redhat:64')!.misc!.retrigger = true;
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'retrigger' });
  });

  it('9.7 MR checkout whose pipeline is no longer the head -> stale_pipeline; merged MR -> stale_merged_mr; current -> sent with draft state', async () => {
    const h = harness();
    const url = 'https://gitlab.example.com/kernel/-/merge_requests/7';
    const t = checkoutTree({ n: 71, mergeRequestUrl: url });
    h.dw.add(t);
    h.mrs.mrs.set(url, { state: 'opened', draft: false, headPipelineId: 72 });
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'skipped', reason: 'stale_pipeline' });
    h.mrs.mrs.set(url, { state: 'merged', draft: false, headPipelineId: 71 });
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'skipped', reason: 'stale_merged_mr' });
    h.mrs.mrs.set(url, { state: 'opened', draft: true, headPipelineId: 71 });
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'sent' });
    expect(h.publisher.published[0]!.message.merge_request).toEqual({ merge_request_url: url, is_draft: true });
    expect(h.publisher.published[0]!.message.artifact.issuer).toBe('CKI');
  });

  it('9.8 retriage after a published fail: now all triaged -> one post-test success; the repeated event -> nothing', async () => {
    const h = harness();
    const t = checkoutTree({ n: 8, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL' }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'fail' });
    h.dw.occurrences.push({ issue: { id: 1 }, is_regression: false, test_id: 'redhat:8-x86_64-0-t1' });
    const changed = msg(t, 'checkout_issueoccurrences_changed', { checkout_outcome_changed: true });
    expect(await h.processor.process(changed)).toMatchObject({ result: 'sent', route: 'retriage', kind: 'post_test', status: 'success' });
    expect(await h.processor.process(changed)).toMatchObject({ result: 'skipped', reason: 'duplicate' });
    expect(h.publisher.published.map((p) => p.meta.key)).toEqual(['redhat:8|post_test|fail', 'redhat:8|post_test|success']);
  });

  it('9.9 object_type build -> ignored (not_checkout)', async () => {
    const h = harness();
    const t = checkoutTree({ n: 9 });
    const body = Buffer.from(JSON.stringify(dataWarehouseMessage(t.checkout, 'ready_to_report', {}, 'build')));
    expect(await h.processor.process(body)).toMatchObject({ result: 'skipped', reason: 'not_checkout' });
    expect(h.dw.calls).toEqual([]);
  });
});

describe('NotificationProcessor: routing and filters end to end', () => {
  it('unknown: uses the DataWarehouse flags (post, pre, neither)', async () => {
    const h = harness();
    const post = checkoutTree({ n: 101, misc: { ready_to_report: true } });
    const pre = checkoutTree({ n: 102, misc: { notification_sent_build_setups_finished: true } });
    const none = checkoutTree({ n: 103 });
    h.dw.add(post, pre, none);
    expect(await h.processor.process(msg(post, 'unknown'))).toMatchObject({ result: 'sent', kind: 'post_test' });
    expect(await h.processor.process(msg(pre, 'unknown'))).toMatchObject({ result: 'sent', kind: 'pre_test' });
    expect(await h.processor.process(msg(none, 'unknown'))).toMatchObject({ result: 'skipped', reason: 'unknown_stage' });
  });

  it('the race: ready_to_report arrives before DataWarehouse persisted misc.ready_to_report -> post-test anyway', async () => {
    const h = harness();
    const t = checkoutTree({ n: 110 });
    h.dw.add(t);
    expect(h.dw.checkouts.get('redhat:110')!.misc!.ready_to_report).toBeUndefined();
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', kind: 'post_test' });
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'sent', kind: 'pre_test' });
  });

  it('retriage: not reported yet, outcome unchanged, pass -> fail regression are ignored', async () => {
    const h = harness();
    const unreported = checkoutTree({ n: 121, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    const regressed = checkoutTree({ n: 122, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] });
    h.dw.add(unreported, regressed);
    expect(await h.processor.process(msg(unreported, 'checkout_issueoccurrences_changed', { checkout_outcome_changed: true }))).toMatchObject({ reason: 'retriage_not_reported' });
    expect(await h.processor.process(msg(regressed, 'checkout_issueoccurrences_changed', { checkout_outcome_changed: false }))).toMatchObject({ reason: 'retriage_outcome_unchanged' });
    expect(await h.processor.process(msg(regressed, 'checkout_issueoccurrences_changed', { checkout_outcome_changed: true }))).toMatchObject({ reason: 'retriage_not_passing' });
    expect(h.publisher.published).toHaveLength(0);
  });

  it('unsupported status, unknown checkout, no builds', async () => {
    const h = harness();
    const t = checkoutTree({ n: 130 });
    const empty = checkoutTree({ n: 131, builds: [] });
    h.dw.add(empty);
    expect(await h.processor.process(msg(t, 'updated'))).toMatchObject({ reason: 'unsupported_status' });
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ reason: 'checkout_not_found' });
    expect(await h.processor.process(msg(empty, 'ready_to_report'))).toMatchObject({ reason: 'no_builds' });
  });

  it('counts received, skipped by reason and sent by kind and status', async () => {
    const h = harness();
    const t = checkoutTree({ n: 140 });
    h.dw.add(t);
    await h.processor.process(msg(t, 'ready_to_report'));
    await h.processor.process(msg(t, 'ready_to_report'));
    await h.processor.process(msg(t, 'new'));
    const text = await h.registry.metrics();
    expect(text).toContain('cki_notifier_messages_received_total{status="ready_to_report"} 2');
    expect(text).toContain('cki_notifier_messages_received_total{status="new"} 1');
    expect(text).toContain('cki_notifier_messages_sent_total{kind="post_test",status="success"} 1');
    expect(text).toContain('cki_notifier_messages_skipped_total{reason="duplicate"} 1');
    expect(text).toContain('cki_notifier_messages_skipped_total{reason="unsupported_status"} 1');
    expect(text).toMatch(/cki_notifier_processing_seconds_count\{outcome="sent"\} 1/);
  });
});

describe('NotificationProcessor: failures, dedup and modes', () => {
  it('a body that is not JSON, or a checkout message without id, is a PermanentError', async () => {
    const h = harness();
    await expect(h.processor.process(Buffer.from('{not json'))).rejects.toBeInstanceOf(PermanentError);
    await expect(h.processor.process(Buffer.from(JSON.stringify({ object_type: 'checkout', status: 'ready_to_report' })))).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('a ready-for-test message that fails the schema is a PermanentError and is not published', async () => {
    const h = harness();
    const t = checkoutTree({ n: 150, misc: { pipeline: { id: 150 } } });
    h.dw.add(t);
    await expect(h.processor.process(msg(t, 'ready_to_report'))).rejects.toMatchObject({ name: 'PermanentError', reason: 'invalid_ready_for_test', message: expect.stringContaining('run.url') });
    expect(h.publisher.published).toHaveLength(0);
  });

  it('a DataWarehouse failure is a transient StageError naming the stage', async () => {
    const h = harness();
    const t = checkoutTree({ n: 151 });
    h.dw.add(t);
    h.dw.failNext = new Error('DataWarehouse did not answer loading checkout redhat:151: 503');
    const err = await h.processor.process(msg(t, 'ready_to_report')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).stage).toBe('datawarehouse');
  });

  it('a failed publish records nothing, so the retry publishes exactly once', async () => {
    const h = harness();
    const t = checkoutTree({ n: 152 });
    h.dw.add(t);
    h.publisher.failures = 1;
    await expect(h.processor.process(msg(t, 'ready_to_report'))).rejects.toMatchObject({ stage: 'publish' });
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent' });
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'duplicate' });
    expect(h.publisher.published).toHaveLength(1);
  });

  it('the same notification delivered twice at once is published once (per-checkout serialisation)', async () => {
    const h = harness();
    const t = checkoutTree({ n: 153 });
    h.dw.add(t);
    const outs = await Promise.all([h.processor.process(msg(t, 'ready_to_report')), h.processor.process(msg(t, 'ready_to_report')), h.processor.process(msg(t, 'unknown'))]);
    expect(outs.map((o) => o.result).sort()).toEqual(['sent', 'skipped', 'skipped']);
    expect(h.publisher.published).toHaveLength(1);
  });

  it('another replica holding the claim -> ClaimHeldError; nothing published', async () => {
    const store = new MemoryLedgerStore();
    const h = harness({ store });
    const t = checkoutTree({ n: 154 });
    h.dw.add(t);
    await new NotificationLedger(store).claimUnlessSent('redhat:154|post_test|success');
    await expect(h.processor.process(msg(t, 'ready_to_report'))).rejects.toBeInstanceOf(ClaimHeldError);
    expect(h.publisher.published).toHaveLength(0);
  });

  it('dry run builds the message, publishes and records nothing, and says whether it was already sent', async () => {
    const h = harness();
    const t = checkoutTree({ n: 155 });
    h.dw.add(t);
    const dry = await h.processor.process(msg(t, 'ready_to_report'), { dryRun: true });
    expect(dry).toMatchObject({ result: 'dry_run', kind: 'post_test', alreadySent: false, message: { checkout_id: 'redhat:155' } });
    expect(h.publisher.published).toHaveLength(0);
    expect(h.store.keys('cki-notifier')).toEqual([]);
    await h.processor.process(msg(t, 'ready_to_report'));
    expect(await h.processor.process(msg(t, 'ready_to_report'), { dryRun: true })).toMatchObject({ alreadySent: true });
  });

  it('outside production the message is logged, not published', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const h = harness({ publisher: new LogReadyForTestPublisher({ logger, environment: 'staging' }), environment: 'staging' });
    const t = checkoutTree({ n: 156 });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', published: false });
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; readyForTest?: { checkout_id: string } }).find((l) => l.readyForTest);
    expect(logged?.readyForTest?.checkout_id).toBe('redhat:156');
    expect(logged?.msg).toContain('not production (staging)');
  });

  it('a failing Slack notice does not fail the message', async () => {
    const h = harness({ notify: async () => Promise.reject(new Error('slack down')) });
    const t = checkoutTree({ n: 157, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'fail' });
    expect(await h.registry.metrics()).toContain('cki_notifier_errors_total{stage="notify"} 1');
  });
});

describe('NotificationProcessor reading the whole tree in one DataWarehouse call', () => {
  const treeHarness = (answer: FakeTreeAnswer = 'tree') => {
    const dw = new TreeFakeDataWarehouse(answer);
    return { ...harness({ dw }), dw };
  };

  it('a pre-test message walks its two small reads: the tree would carry every planned test for nothing', async () => {
    const t = checkoutTree({ n: 201, builds: [{ arch: 'x86_64' }, { arch: 'aarch64' }, { arch: 'ppc64le', valid: false }] });
    const h = treeHarness();
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'build_setups_finished'))).toMatchObject({ result: 'sent', kind: 'pre_test', status: 'success' });
    expect(h.dw.calls).toEqual(['checkout redhat:201', 'builds redhat:201']);
    const walked = harness();
    walked.dw.add(t);
    await walked.processor.process(msg(t, 'build_setups_finished'));
    expect(walked.dw.calls).toEqual(['checkout redhat:201', 'builds redhat:201']);
    expect(h.publisher.published).toEqual(walked.publisher.published);
  });

  it('a passing post-test message costs one call and is the message the walk produces', async () => {
    const t = checkoutTree({ n: 202, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL', waived: true }] }, { arch: 'aarch64', tests: [{ path: 'a' }] }] });
    const h = treeHarness();
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', kind: 'post_test', status: 'success' });
    expect(h.dw.calls).toEqual(['tree redhat:202']);
    const walked = harness();
    walked.dw.add(t);
    await walked.processor.process(msg(t, 'ready_to_report'));
    expect(walked.dw.calls).toHaveLength(4);
    expect(h.publisher.published).toEqual(walked.publisher.published);
  });

  it('a failing post-test message takes its issue occurrences from the tree, no extra call', async () => {
    const h = treeHarness();
    const triagedTest = checkoutTree({ n: 203, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    const triagedBuild = checkoutTree({ n: 204, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }] }, { arch: 'aarch64', valid: false, triaged: true }] });
    const untriaged = checkoutTree({ n: 205, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL' }] }] });
    h.dw.add(triagedTest, triagedBuild, untriaged);
    // success needs the occurrences: without them the FAIL (the failed build) would count.
    expect(await h.processor.process(msg(triagedTest, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(await h.processor.process(msg(triagedBuild, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(await h.processor.process(msg(untriaged, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'fail' });
    expect(h.notices).toEqual([expect.stringContaining('untriaged redhat:205-x86_64-0-t0')]);
    expect(h.dw.calls).toEqual(['tree redhat:203', 'tree redhat:204', 'tree redhat:205']);
  });

  it('a tree without issueoccurrences reads them with listIssueOccurrences only when something failed', async () => {
    const h = treeHarness('tree-without-occurrences');
    const pass = checkoutTree({ n: 206, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }] }] });
    const failedTest = checkoutTree({ n: 207, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    const failedBuild = checkoutTree({ n: 208, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }] }, { arch: 'aarch64', valid: false, triaged: true }] });
    h.dw.add(pass, failedTest, failedBuild);
    expect(await h.processor.process(msg(pass, 'build_setups_finished'))).toMatchObject({ result: 'sent', kind: 'pre_test' });
    expect(await h.processor.process(msg(pass, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(h.dw.calls).toEqual(['checkout redhat:206', 'builds redhat:206', 'tree redhat:206']);
    expect(await h.processor.process(msg(failedTest, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(await h.processor.process(msg(failedBuild, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(h.dw.calls.slice(3)).toEqual(['tree redhat:207', 'occurrences redhat:207', 'tree redhat:208', 'occurrences redhat:208']);
  });

  it('walk with the checkout (auto just learned there is no /all): walks without reading the checkout again', async () => {
    const h = treeHarness('walk-with-checkout');
    const t = checkoutTree({ n: 209, builds: [{ arch: 'x86_64', tests: [{ path: 'a', status: 'FAIL', triaged: true }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'success' });
    expect(h.dw.calls).toEqual(['tree redhat:209', 'builds redhat:209', 'tests redhat:209-x86_64-kernel', 'occurrences redhat:209']);
  });

  it('a checkout the tree read does not find -> skipped checkout_not_found after one call', async () => {
    const h = treeHarness();
    const t = checkoutTree({ n: 210 });
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'skipped', reason: 'checkout_not_found', checkoutId: 'redhat:210' });
    expect(h.dw.calls).toEqual(['tree redhat:210']);
    expect(h.publisher.published).toHaveLength(0);
  });

  it('a failing tree read is a transient StageError of the datawarehouse stage', async () => {
    const h = treeHarness();
    const t = checkoutTree({ n: 211 });
    h.dw.add(t);
    h.dw.failNext = new Error('DataWarehouse did not answer loading the tree of checkout redhat:211: 503');
    const err = await h.processor.process(msg(t, 'ready_to_report')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageError);
    expect((err as StageError).stage).toBe('datawarehouse');
    // It was the tree read that failed, and nothing was read or walked after it.
    expect(h.dw.calls).toEqual(['tree redhat:211']);
    expect(h.publisher.published).toHaveLength(0);
  });

  it('retriage reads the tree again: occurrences added since the fail are seen', async () => {
    const h = treeHarness();
    const t = checkoutTree({ n: 212, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'a' }, { path: 'b', status: 'FAIL' }] }] });
    h.dw.add(t);
    expect(await h.processor.process(msg(t, 'ready_to_report'))).toMatchObject({ result: 'sent', status: 'fail' });
    h.dw.occurrences.push({ issue: { id: 2 }, is_regression: false, test_id: 'redhat:212-x86_64-0-t1' });
    expect(await h.processor.process(msg(t, 'checkout_issueoccurrences_changed', { checkout_outcome_changed: true }))).toMatchObject({ result: 'sent', route: 'retriage', status: 'success' });
    expect(h.dw.calls).toEqual(['tree redhat:212', 'tree redhat:212']);
  });
});
