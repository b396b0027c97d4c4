import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { defineJob } from '../../src/jobs/declare.ts';
import { JOBS, scheduleJobs } from '../../src/jobs/index.ts';
import { WatchHandlerRegistry } from '../../src/jobs/watchers.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';
import { NO_NOTICE_TARGETS } from './helpers.ts';

describe('declared jobs (jobs/index.ts)', () => {
  let store: SqliteTestStore;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('schedules every declared job, in the listed order, with its schedule variable and lease', async () => {
    const config = testConfig({ OAR_CRON_WATCHERS: '*/5 * * * *', OAR_CRON_PROW: '45 * * * *' });
    const { scheduler, jobs } = scheduleJobs({ config, store, owner: 'replica-a', services: new LazyServices({}), statebox: new MemoryStateBox(), notices: NO_NOTICE_TARGETS, watchHandlers: new WatchHandlerRegistry() });
    expect(scheduler.names()).toEqual(['jira-notificator', 'result-checker', 'release-detector', 'watchers', 'prow-release-gate', 'housekeeping']);
    expect(JOBS.map((j) => j.name)).toEqual(scheduler.names());
    expect(jobs.map((j) => [j.name, j.schedule, j.scheduleVar, j.leaseTtlMs])).toEqual([
      ['jira-notificator', config.OAR_CRON_JIRA_NOTIFICATOR, 'OAR_CRON_JIRA_NOTIFICATOR', 600_000],
      ['result-checker', config.OAR_CRON_RESULT_CHECKER, 'OAR_CRON_RESULT_CHECKER', undefined],
      ['release-detector', config.OAR_CRON_RELEASE_DETECTOR, 'OAR_CRON_RELEASE_DETECTOR', undefined],
      ['watchers', '*/5 * * * *', 'OAR_CRON_WATCHERS', undefined],
      ['prow-release-gate', '45 * * * *', 'OAR_CRON_PROW', 600_000],
      ['housekeeping', '17 * * * *', undefined, undefined],
    ]);
    const listed = await scheduler.list();
    expect(listed.find((j) => j.name === 'watchers')).toMatchObject({ schedule: '*/5 * * * *', scheduleVar: 'OAR_CRON_WATCHERS' });
    await scheduler.stop();
  });

  it('a declared job runs with the dependencies it takes from the environment', async () => {
    const seen: string[] = [];
    const echo = defineJob<{ owner: string }>({
      name: 'echo',
      description: 'echo',
      schedule: 'OAR_CRON_WATCHERS',
      lease: { ttlMs: 30_000 },
      deps: (env) => ({ owner: env.config.OAR_OPS_CHANNEL ?? 'none' }),
      async run(ctx, deps) {
        seen.push(`${deps.owner}:${ctx.trigger}`);
        return { summary: 'echoed' };
      },
    });
    const { scheduler } = scheduleJobs({ config: testConfig({ OAR_OPS_CHANNEL: 'C-OPS' }), store, owner: 'replica-a', services: new LazyServices({}), statebox: new MemoryStateBox(), notices: NO_NOTICE_TARGETS, watchHandlers: new WatchHandlerRegistry() }, [echo]);
    const r = await scheduler.runNow('echo');
    expect(r).toMatchObject({ job: 'echo', outcome: 'ok', report: { summary: 'echoed' } });
    expect(seen).toEqual(['C-OPS:manual']);
    expect((await store.lastJobRuns(1))[0]).toMatchObject({ job: 'echo', outcome: 'ok', owner: 'replica-a' });
    await scheduler.stop();
  });

  it('a declaration whose schedule variable is missing from the configuration it is given fails to bind', () => {
    const job = defineJob<null>({ name: 'x', description: 'x', schedule: 'OAR_CRON_PROW', lease: {}, deps: () => null, run: async () => ({ summary: '' }) });
    expect(() => job.with(null, {})).toThrow(/job x: OAR_CRON_PROW is not in the configuration/);
  });
});
