import { describe, expect, it } from 'vitest';
import { filterBuilds, filterCheckout, filterMessageObject, filterStale } from '../../../src/jobs/cki-notifier/filters.ts';
import { screenMessage } from '../../../src/jobs/cki-notifier/message.ts';
import { checkoutTree } from '../../../src/sandbox/datawarehouse/index.ts';

const checkout = (over: Parameters<typeof checkoutTree>[0] = { n: 1 }) => checkoutTree(over).checkout;

describe('message screening (README: object_type and status)', () => {
  it('drops a non-checkout object', () => {
    expect(screenMessage({ object_type: 'build', status: 'ready_to_report', id: 'redhat:1-x86_64' })).toMatchObject({ kind: 'skip', reason: 'not_checkout' });
  });
  it('drops an unsupported status', () => {
    for (const status of ['new', 'updated', 'needs_triage', 'tests_finished']) {
      expect(screenMessage({ object_type: 'checkout', status, id: 'redhat:1' })).toMatchObject({ kind: 'skip', reason: 'unsupported_status' });
    }
  });
  it('accepts each routed status and reads message misc', () => {
    for (const status of ['build_setups_finished', 'ready_to_report', 'unknown', 'checkout_issueoccurrences_changed']) {
      expect(screenMessage({ object_type: 'checkout', status, id: 'redhat:1', misc: {} })).toMatchObject({ kind: 'accept', message: { status, checkoutId: 'redhat:1', outcomeChanged: false } });
    }
    const m = screenMessage({ object_type: 'checkout', status: 'checkout_issueoccurrences_changed', object: { id: 'redhat:9' }, misc: { checkout_outcome_changed: true } });
    expect(m).toMatchObject({ kind: 'accept', message: { checkoutId: 'redhat:9', outcomeChanged: true } });
  });
  it('calls a body without object_type, or a checkout without an id, malformed', () => {
    expect(screenMessage({ hello: 1 })).toMatchObject({ kind: 'malformed' });
    expect(screenMessage([1, 2])).toMatchObject({ kind: 'malformed' });
    expect(screenMessage({ object_type: 'checkout', status: 'ready_to_report' })).toMatchObject({ kind: 'malformed', detail: expect.stringContaining('names no checkout') });
    expect(screenMessage({ object_type: 'checkout', status: 'ready_to_report', id: 'redhat:1', misc: 'x' })).toMatchObject({ kind: 'malformed' });
  });
});

describe('checkout filters (README "Filtered and ignored messages")', () => {
  const msg = (object: Record<string, unknown>) => {
    const s = screenMessage({ object_type: 'checkout', status: 'ready_to_report', id: 'redhat:1', object });
    if (s.kind !== 'accept') throw new Error('not accepted');
    return s.message;
  };

  it('retriggered: message object.misc.retrigger and the DataWarehouse checkout', () => {
    expect(filterMessageObject(msg({ misc: { retrigger: true } }))).toMatchObject({ pass: false, reason: 'retrigger' });
    expect(filterCheckout(checkout({ n: 1, misc: { retrigger: true } }))).toMatchObject({ pass: false, reason: 'retrigger' });
    expect(filterMessageObject(msg({ misc: { retrigger: false } }))).toEqual({ pass: true });
  });

  it('origin other than redhat', () => {
    expect(filterMessageObject(msg({ origin: 'redhat-qe' }))).toMatchObject({ pass: false, reason: 'origin' });
    expect(filterCheckout(checkout({ n: 1, origin: 'kernelci' }))).toMatchObject({ pass: false, reason: 'origin' });
  });

  it('invalid checkout (valid: false); an unset verdict is not invalid', () => {
    expect(filterCheckout(checkout({ n: 1, valid: false }))).toMatchObject({ pass: false, reason: 'invalid_checkout' });
    expect(filterCheckout(checkout({ n: 1, valid: null }))).toEqual({ pass: true });
    expect(filterCheckout(checkout({ n: 1 }))).toEqual({ pass: true });
  });

  it('no builds', () => {
    expect(filterBuilds('redhat:1', [])).toMatchObject({ pass: false, reason: 'no_builds' });
    expect(filterBuilds('redhat:1', checkoutTree({ n: 1 }).builds)).toEqual({ pass: true });
  });

  describe('stale merge request checkouts', () => {
    const mrCheckout = checkout({ n: 77, mergeRequestUrl: 'https://gitlab.example.com/g/p/-/merge_requests/5' });
    it('merged MR', () => {
      expect(filterStale(mrCheckout, { state: 'merged', headPipelineId: 77 })).toMatchObject({ pass: false, reason: 'stale_merged_mr' });
    });
    it('head pipeline no longer the checkout pipeline', () => {
      expect(filterStale(mrCheckout, { state: 'opened', headPipelineId: 78 })).toMatchObject({ pass: false, reason: 'stale_pipeline', detail: expect.stringContaining('78') });
    });
    it('current head pipeline, or nothing to compare, passes', () => {
      expect(filterStale(mrCheckout, { state: 'opened', headPipelineId: 77 })).toEqual({ pass: true });
      expect(filterStale(mrCheckout, { state: 'opened', headPipelineId: undefined })).toEqual({ pass: true });
      expect(filterStale(checkout({ n: 5 }), undefined)).toEqual({ pass: true });
      expect(filterStale(mrCheckout, { state: 'closed', headPipelineId: 77 })).toEqual({ pass: true });
    });
  });
});
