import { describe, expect, it } from 'vitest';
import { buildVerdictNotice, type BuildVerdict } from '../../src/blocks/prow.ts';
import { renderTeamNotice } from '../../src/blocks/notice.ts';

const base: BuildVerdict = {
  build: '4.19.0-0.nightly-2026-07-01-085304',
  arch: 'amd64',
  release: '4.19',
  nightly: true,
  accepted: false,
  manualPromotion: false,
  counts: { total: 6, success: 5, failed: 1, required: 6, successfulRequired: 5 },
  jobs: [{ jobName: 'periodic-aws-ipi-f999', shortName: 'aws-ipi-f999', optional: false, failed: true, first: { state: 'failure', url: 'https://deck.example/logs/aws/1' }, retries: [] }],
  fileName: 'ocp-test-result-4.19.0-0.nightly-2026-07-01-085304-amd64.json',
  fileUrl: 'https://gh.example/ocp-test-result.json',
};

describe('the Prow verdict as a team notice', () => {
  it('the channel gets the sentence, the fields and the record; the jobs that did not pass go in the thread', () => {
    const r = renderTeamNotice(buildVerdictNotice(base));
    const channel = JSON.stringify(r.summary.blocks);
    expect(r.summary.text).toBe('QE rejected build 4.19.0-0.nightly-2026-07-01-085304 (4.19 nightly, amd64): 1 of 6 required jobs did not pass');
    expect(channel).toContain('*Required jobs passed*\\n5 of 6');
    expect(channel).toContain('https://gh.example/ocp-test-result.json');
    expect(channel).toContain('The full detail is in the thread.');
    expect(channel).not.toContain('aws-ipi-f999');
    expect(r.thread).toHaveLength(1);
    expect(JSON.stringify(r.thread[0]!.blocks)).toContain('<https://deck.example/logs/aws/1|aws-ipi-f999>');
  });

  it('an accepted build with nothing to list is one message', () => {
    const r = renderTeamNotice(buildVerdictNotice({ ...base, accepted: true, jobs: [], counts: { ...base.counts, successfulRequired: 6 } }));
    expect(r.thread).toEqual([]);
    expect(JSON.stringify(r.summary.blocks)).not.toContain('in the thread');
  });
});
