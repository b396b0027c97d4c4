import { describe, expect, it } from 'vitest';
import { parseProwStreams, parseResultFile, latestStatePath, resultPath, ProwConfigError } from '../../../src/commands/prow/streams.ts';
import { triggerOnce } from '../../../src/commands/prow/trigger-once.ts';
import { buildVerdictMessage, buildVerdictNotice } from '../../../src/blocks/prow.ts';
import { verdictText, type BuildVerdict } from '../../../src/commands/prow/build-verdict.ts';
import { plainNoticeRenderer } from '../../../src/commands/notifier.ts';
import { renderTeamNotice } from '../../../src/blocks/notice.ts';
import { IntegrationError } from '../../../src/integrations/http.ts';
import { openTestStore } from '../../helpers/store.ts';

describe('streams and file names', () => {
  it('OAR_PROW_STREAMS: y:kind:arch, kind and arch optional, duplicates dropped', () => {
    expect(parseProwStreams(['4.19:nightly:amd64', '4.19:stable', '5.0', '4.19:nightly'])).toEqual([
      { ystream: '4.19', kind: 'nightly', arch: 'amd64' },
      { ystream: '4.19', kind: 'stable', arch: 'amd64' },
      { ystream: '5.0', kind: 'nightly', arch: 'amd64' },
      { ystream: '5.0', kind: 'stable', arch: 'amd64' },
    ]);
    expect(parseProwStreams(['4.19:nightly:arm64'])).toEqual([{ ystream: '4.19', kind: 'nightly', arch: 'arm64' }]);
    expect(() => parseProwStreams(['4.19:weekly'])).toThrow(ProwConfigError);
    expect(() => parseProwStreams(['4.19:nightly:x86_64'])).toThrow('invalid architecture x86_64: use one of amd64, arm64, multi, ppc64le, s390x');
    expect(() => parseProwStreams(['4'])).toThrow(/invalid y-stream "4"/);
  });

  it('state and record paths', () => {
    expect(latestStatePath({ ystream: '4.19', kind: 'stable', arch: 'arm64' })).toBe('_releases/ocp-latest-4.19-stable-arm64.json');
    expect(resultPath('4.19.36', 'amd64')).toBe('_releases/ocp-test-result-4.19.36-amd64.json');
  });

  it('record names of an arch: build, release, nightly (6.7 step 2)', () => {
    expect(parseResultFile('_releases/ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json', 'amd64')).toEqual({
      path: '_releases/ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json',
      name: 'ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json',
      build: '4.19.0-0.nightly-2026-07-01-085304',
      arch: 'amd64',
      release: '4.19',
      nightly: true,
    });
    expect(parseResultFile('_releases/ocp-test-result-4.22.0-rc.3-amd64.json', 'amd64')).toMatchObject({ build: '4.22.0-rc.3', release: '4.22', nightly: false });
    expect(parseResultFile('_releases/ocp-test-result-4.19.36-amd64.json', 'arm64')).toBeNull();
    expect(parseResultFile('_releases/ocp-latest-4.19-nightly-amd64.json', 'amd64')).toBeNull();
  });
});

describe('triggerOnce', () => {
  it('concurrent callers with the same key start one job and share its id', async () => {
    const store = await openTestStore();
    try {
      let calls = 0;
      const trigger = async () => {
        calls++;
        await Promise.resolve();
        return 'job-1';
      };
      const now = () => new Date('2026-07-02T00:00:00Z');
      const results = await Promise.all([1, 2, 3].map(() => triggerOnce({ store, key: 'trigger:amd64:b:j:default', now }, trigger)));
      expect(calls).toBe(1);
      expect(results.filter((r) => r.kind === 'triggered')).toHaveLength(1);
      // the losers either see the id or report the claim in progress; none starts a second job
      for (const r of results) expect(['triggered', 'existing', 'unknown']).toContain(r.kind);
      expect(await triggerOnce({ store, key: 'trigger:amd64:b:j:default', now }, trigger)).toEqual({ kind: 'existing', id: 'job-1' });
      expect(calls).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a refusal (HTTP status) may be tried again; an answerless failure is never repeated', async () => {
    const store = await openTestStore();
    try {
      const now = () => new Date();
      const refused = () => Promise.reject(new IntegrationError({ system: 'Gangway', operation: 'x', status: 500 }));
      expect(await triggerOnce({ store, key: 'k1', now }, refused)).toMatchObject({ kind: 'failed' });
      expect(await triggerOnce({ store, key: 'k1', now }, async () => 'id-2')).toEqual({ kind: 'triggered', id: 'id-2' });

      const lost = () => Promise.reject(new IntegrationError({ system: 'Gangway', operation: 'x', detail: 'timed out after 30000 ms' }));
      expect(await triggerOnce({ store, key: 'k2', now }, lost)).toMatchObject({ kind: 'unknown' });
      let called = false;
      expect(
        await triggerOnce({ store, key: 'k2', now }, async () => {
          called = true;
          return 'dup';
        }),
      ).toMatchObject({ kind: 'unknown' });
      expect(called).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('verdict blocks', () => {
  const base: BuildVerdict = {
    build: '4.19.0-0.nightly-2026-07-01-085304',
    arch: 'amd64',
    release: '4.19',
    nightly: true,
    accepted: false,
    manualPromotion: false,
    counts: { total: 6, success: 5, failed: 1, required: 6, successfulRequired: 5 },
    jobs: [
      {
        jobName: 'periodic-ci-openshift-openshift-tests-private-release-4.19-automated-release-aws-ipi-f999',
        shortName: 'aws-ipi-f999',
        optional: false,
        failed: true,
        first: { state: 'failure', url: 'https://deck.example/logs/aws/1' },
        retries: [{ state: 'failure', url: 'https://deck.example/logs/aws/2' }, { state: 'success' }],
      },
    ],
    fileName: 'ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json',
    fileUrl: 'https://github.com/openshift/release-tests/blob/record/_releases/ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json',
  };

  it('rejected: the failed job with links to every run and the record', () => {
    const m = buildVerdictMessage(base);
    expect(m.text).toBe('QE rejected build 4.19.0-0.nightly-2026-07-01-085304 (4.19 nightly, amd64): 1 of 6 required jobs did not pass');
    const all = JSON.stringify(m.blocks);
    expect(all).toContain('<https://deck.example/logs/aws/1|aws-ipi-f999>');
    expect(all).toContain('<https://deck.example/logs/aws/2|retry 1: failure>');
    expect(all).toContain('retry 2: success');
    expect(all).toContain(base.fileUrl);
    expect(m.blocks[0]).toMatchObject({ type: 'section', text: { text: expect.stringMatching(/^:x: /) } });
  });

  it('as a team notice: the verdict and its fields in the channel, the jobs that did not pass in its thread', () => {
    const r = renderTeamNotice(buildVerdictNotice(base));
    const channel = JSON.stringify(r.summary.blocks);
    expect(r.summary.text).toBe(verdictText(base));
    expect(channel).toContain('*Required jobs passed*\\n5 of 6');
    expect(channel).toContain(base.fileUrl);
    expect(channel).toContain('The full detail is in the thread.');
    expect(channel).not.toContain('aws-ipi-f999');
    expect(r.thread).toHaveLength(1);
    expect(JSON.stringify(r.thread[0]!.blocks)).toContain('<https://deck.example/logs/aws/1|aws-ipi-f999>');
    const accepted = renderTeamNotice(buildVerdictNotice({ ...base, accepted: true, jobs: [], counts: { ...base.counts, successfulRequired: 6 } }));
    expect(accepted.thread).toEqual([]);
    expect(JSON.stringify(accepted.summary.blocks)).not.toContain('in the thread');
  });

  it('the aggregator posts the verdict as data: the renderer of the composer draws it, a bare notifier posts the plain line', () => {
    const notice = { text: verdictText(base), verdict: base };
    expect(renderTeamNotice(notice)).toEqual(renderTeamNotice(buildVerdictNotice(base)));
    expect(plainNoticeRenderer(notice)).toEqual({ summary: { text: verdictText(base) }, thread: [] });
  });

  it('accepted and manually promoted texts; names are escaped', () => {
    expect(verdictText({ ...base, accepted: true, counts: { ...base.counts, successfulRequired: 6 }, jobs: [] })).toBe('QE accepted build 4.19.0-0.nightly-2026-07-01-085304 (4.19 nightly, amd64): all 6 required jobs passed');
    expect(verdictText({ ...base, manualPromotion: true })).toMatch(/is Accepted \(Manually Promoted\): 5 of 6 required jobs passed$/);
    const m = buildVerdictMessage({ ...base, jobs: [{ ...base.jobs[0]!, shortName: 'a<b>&c', first: { state: 'failure' } }] });
    expect(JSON.stringify(m.blocks)).toContain('a&lt;b&gt;&amp;c');
    expect(JSON.stringify(buildVerdictMessage({ ...base, labelled: 'failed' }).blocks)).toContain('labelling the release payload failed');
  });

  it('many failed jobs stay within Slack limits', () => {
    const jobs = Array.from({ length: 40 }, (_, i) => ({ ...base.jobs[0]!, shortName: `job-${i}-${'x'.repeat(150)}` }));
    const m = buildVerdictMessage({ ...base, jobs });
    expect(JSON.stringify(m.blocks)).toContain('…and 15 more in the file');
    for (const b of m.blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
  });
});
