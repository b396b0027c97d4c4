/** The async approval notice greets the lead through the ReleaseNotifier's one rule, fallback included. */
import { describe, expect, it } from 'vitest';
import { asyncApprovalWatch, createAsyncApprovalHandler } from '../../../src/commands/approval/async-approval.ts';
import { LEAD_FALLBACK } from '../../../src/commands/notifier.ts';
import { silentLogger } from '../../../src/log.ts';

const T0 = new Date('2026-12-07T20:00:00Z');
const config = { OAR_APPROVAL_CHECK_INTERVAL_MS: 1_800_000, OAR_APPROVAL_MAX_WAIT_MS: 172_800_000 };
const ctx = { logger: silentLogger, signal: new AbortController().signal, attempt: 1, now: () => T0 };
const watch = { ...asyncApprovalWatch('4.19.37', config, { now: T0 }), id: 1, state: 'active' } as never;

describe('async approval: who the notice greets', () => {
  const handler = (releaseLeadMention?: () => Promise<string | undefined>) =>
    createAsyncApprovalHandler({
      checkMetadata: async () => ({ accessible: true, reason: 'ok', lines: [] }),
      // The resumed change-advisory-status, as the runner answers it (passed, and for the timeout failed).
      execute: async (req) => ({ kind: 'done', safety: 'critical', durationMs: 1, correlationId: 'c', log: '', outcome: { status: (req.options.asyncApprovalResume as { step: string }).step === 'timeout' ? 'fail' : 'pass', summary: '' } }),
      command: (name) => ({ name }) as never,
      releaseChannel: async () => '#qe-release',
      ...(releaseLeadMention ? { releaseLeadMention } : {}),
    });

  it('the lead lookup failing or absent falls back to the notifier’s @qe-release, never a private wording', async () => {
    expect(LEAD_FALLBACK).toBe('@qe-release');
    const failing = await handler(() => Promise.reject(new Error('usergroups.list: ratelimited'))).poll(watch, ctx);
    expect(failing.summary).toBe('Hello @qe-release, Release approval completed for 4.19.37. Payload metadata URL is now accessible and advisories have been moved to REL_PREP.');
    expect((await handler().onExpire!(watch, ctx)).summary).toBe('Hello @qe-release, Release approval timeout for 4.19.37. Payload metadata URL still not accessible');
    expect((await handler(async () => '<!subteam^S419>').poll(watch, ctx)).notify).toEqual([{ channel: '#qe-release', text: expect.stringContaining('Hello <!subteam^S419>,') }]);
  });
});
