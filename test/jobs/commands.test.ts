/**
 * The job commands through the real parser and runner: `/oar jobs`, `oarctl jobs run NAME
 * [--dry-run]`, `oarctl jira-notificator ...`, with their safety (listing and dry runs are read,
 * running is write).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { CommandParser, ParseError } from '../../src/commands/parser.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { Runner, type Authorizer } from '../../src/commands/runner.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { safetyOf, type Role } from '../../src/commands/types.ts';
import { makeJobsCommand } from '../../src/commands/jobs.ts';
import { makeJiraNotificatorCommand } from '../../src/commands/jira-notificator.ts';
import { createScheduler, type JobScheduler } from '../../src/jobs/scheduler.ts';
import type { JobRunContext } from '../../src/jobs/types.ts';
import { silentLogger } from '../../src/log.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

describe('job commands', () => {
  let store: SqliteTestStore;
  let scheduler: JobScheduler;
  let seen: JobRunContext[];
  let role: Role;
  let parser: CommandParser;
  let runner: Runner;

  beforeEach(async () => {
    store = await openTestStore();
    seen = [];
    role = 'critical';
    scheduler = createScheduler({
      config: testConfig(),
      store,
      owner: 'replica-a',
      jobs: [
        { name: 'jira-notificator', description: 'notificator', schedule: '0 */4 * * 1-5', scheduleVar: 'OAR_CRON_JIRA_NOTIFICATOR', run: async (ctx) => { seen.push(ctx); return { summary: '2 notifications sent', counts: { qaContact: 2 }, lines: ['OCPBUGS-1: notify QA_CONTACT → Quinn'], links: [{ label: 'OCPBUGS-1', url: 'https://jira/browse/OCPBUGS-1' }] }; } },
        { name: 'result-checker', description: 'checker', schedule: '*/30 * * * *', run: async () => { throw new Error('GitHub is down'); } },
      ],
    });
    const registry = createRegistry([makeJobsCommand(() => scheduler), makeJiraNotificatorCommand(() => scheduler)]);
    parser = new CommandParser(registry);
    const authorizer: Authorizer = { roleFor: async () => role };
    runner = new Runner({ config: testConfig(), store, statebox: new MemoryStateBox(), services: new LazyServices({}), configStores: { get: async () => { throw new Error('none'); } }, authorizer, logger: silentLogger });
  });
  afterEach(async () => {
    await scheduler.stop();
    await store.close();
  });

  async function exec(text: string, via: 'slash' | 'line' = 'line') {
    const parsed = via === 'slash' ? parser.parseSlash(text) : parser.parseLine(text);
    if (parsed.kind !== 'command') throw new Error(`not a command: ${parsed.kind}`);
    return { parsed, result: await runner.execute({ command: parsed.command, release: parsed.release, options: parsed.options, actor: { id: 'U1', name: 'alice', via: 'slack' } }) };
  }

  it('`/oar jobs` lists each job with its schedule, last run and next run (read)', async () => {
    await scheduler.tick('result-checker');
    const { parsed, result } = await exec('jobs', 'slash');
    expect(parsed.options).toEqual({ action: 'list', dryRun: false });
    expect(safetyOf(parsed.command, parsed.options)).toBe('read');
    if (result.kind !== 'done') throw new Error(result.kind);
    expect(result.outcome.status).toBe('info');
    expect(result.outcome.summary).toBe('2 scheduled jobs, 1 failing (replica replica-a)');
    const sections = result.outcome.sections!;
    expect(sections.map((s) => s.title)).toEqual(['jira-notificator — notificator', 'result-checker — checker']);
    const fields = Object.fromEntries(sections[1]!.fields!.map((f) => [f.label, f.value]));
    expect(fields.Schedule).toBe('*/30 * * * * (UTC)');
    expect(fields['Last run']).toMatch(/· failed in \d+ s on replica-a$/);
    expect(fields.Error).toBe('GitHub is down');
    expect(fields['Next run']).toMatch(/^\d{4}-\d\d-\d\d \d\d:(00|30):00 UTC$/);
    expect(fields.Failing).toMatch(/^1 run\(s\) in a row since/);
    expect(Object.fromEntries(sections[0]!.fields!.map((f) => [f.label, f.value]))['Last run']).toBe('never');
  });

  it('`oarctl jobs run NAME --dry-run` is read and runs the job as a dry run; without --dry-run it is write and recorded', async () => {
    let { parsed, result } = await exec('oarctl jobs run jira-notificator --dry-run');
    expect(parsed.options).toEqual({ action: 'run', name: 'jira-notificator', dryRun: true });
    expect(safetyOf(parsed.command, parsed.options)).toBe('read');
    if (result.kind !== 'done') throw new Error(result.kind);
    expect(result.outcome).toMatchObject({ status: 'info', summary: 'Dry run of jira-notificator: 2 notifications sent' });
    expect(seen[0]).toMatchObject({ dryRun: true, trigger: 'manual', actor: { id: 'U1' } });
    expect(await store.lastJobRuns(5)).toEqual([]);

    ({ parsed, result } = await exec('oarctl jobs run jira-notificator'));
    expect(safetyOf(parsed.command, parsed.options)).toBe('write');
    if (result.kind !== 'done') throw new Error(result.kind);
    expect(result.outcome.status).toBe('pass');
    expect(result.outcome.links).toEqual([{ label: 'OCPBUGS-1', url: 'https://jira/browse/OCPBUGS-1' }]);
    expect(result.outcome.sections!.find((s) => s.title === 'Details')!.lines).toEqual(['OCPBUGS-1: notify QA_CONTACT → Quinn']);
    expect((await store.lastJobRuns(5))[0]).toMatchObject({ job: 'jira-notificator', outcome: 'ok', counts: { qaContact: 2 } });
  });

  it('a failed run is a failed outcome; unknown or missing names are clear errors', async () => {
    const { result } = await exec('oarctl jobs run result-checker');
    if (result.kind !== 'done') throw new Error(result.kind);
    expect(result.outcome).toMatchObject({ status: 'fail', summary: 'result-checker: GitHub is down' });
    const missing = (await exec('oarctl jobs run')).result;
    expect(missing.kind === 'done' && missing.outcome.summary).toBe('jobs run needs a job name: one of jira-notificator, result-checker');
    const unknown = (await exec('jobs run nope', 'slash')).result;
    expect(unknown.kind === 'done' && unknown.outcome.summary).toBe('unknown job nope; jobs: jira-notificator, result-checker');
  });

  it('a read-only user may list and dry-run but not run', async () => {
    role = 'read';
    expect((await exec('oarctl jobs')).result.kind).toBe('done');
    expect((await exec('oarctl jobs run jira-notificator --dry-run')).result.kind).toBe('done');
    const denied = (await exec('oarctl jobs run jira-notificator')).result;
    expect(denied.kind).toBe('denied');
    expect(seen.filter((c) => !c.dryRun)).toHaveLength(0);
  });

  it('`oarctl jira-notificator` passes --from-date and --search-batch-size to the scheduled job', async () => {
    const { parsed, result } = await exec('oarctl jira-notificator --dry-run --from-date 2025-07-01 --search-batch-size 50');
    expect(parsed.options).toEqual({ dryRun: true, fromDate: '2025-07-01', searchBatchSize: 50 });
    expect(safetyOf(parsed.command, parsed.options)).toBe('read');
    expect(result.kind).toBe('done');
    expect(seen[0]!.params).toEqual({ fromDate: '2025-07-01', searchBatchSize: 50 });
    expect(safetyOf(parsed.command, { ...parsed.options, dryRun: false })).toBe('write');
    expect(() => parser.parseLine('oarctl jira-notificator --from-date 07/01/2025')).toThrow(ParseError);
    expect(() => parser.parseLine('oarctl jira-notificator --search-batch-size 0')).toThrow(/search-batch-size/);
    expect(() => parser.parseLine('oarctl -r 4.19 jira-notificator')).toThrow(/does not take a release/);
  });
});
