import { describe, expect, it } from 'vitest';
import { latestPushJobs, pushJobLine, summarizePushJobs } from '../../../src/integrations/errata/push-jobs.ts';

describe('push job summary (11.9)', () => {
  it('only the newest job per target counts', () => {
    const jobs = [
      { id: 1, status: 'FAILED', target: 'cdn_stage' },
      { id: 3, status: 'COMPLETE', target: 'cdn_stage' },
      { id: 2, status: 'COMPLETE', target: 'cdn_docker_stage' },
    ];
    expect(latestPushJobs(jobs).map((j) => j.id)).toEqual([2, 3]);
    expect(summarizePushJobs(jobs)).toMatchObject({ completed: true, running: false, hasFailed: false, none: false });
  });

  it('no jobs: not completed, not running', () => {
    expect(summarizePushJobs([])).toMatchObject({ none: true, completed: false, running: false, hasFailed: false });
  });

  it('a failed newest job is "running" and "has failed" (so it is re-triggered)', () => {
    const s = summarizePushJobs([
      { id: 5, status: 'FAILED', target: 'cdn_stage' },
      { id: 6, status: 'COMPLETE', target: 'cdn_docker_stage' },
    ]);
    expect(s).toMatchObject({ completed: false, running: true, hasFailed: true });
  });

  it('keeps the original log line with the target in angle brackets', () => {
    expect(pushJobLine({ id: 1, status: 'COMPLETE', target: 'cdn_stage' })).toBe('push job for target <cdn_stage> is COMPLETE');
  });
});
