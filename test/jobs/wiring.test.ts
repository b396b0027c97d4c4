import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from '../../src/config/env.ts';
import { createRegistry } from '../../src/commands/index.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { declareCommand, implement, lazy, type FollowUpDeps } from '../../src/commands/types.ts';
import type { CommandRegistry } from '../../src/commands/registry.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import type { NoticeConfig } from '../../src/commands/notifier.ts';
import { wireJobs, type JobsEngine } from '../../src/jobs/wiring.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

function engine(instanceId: string, registry: CommandRegistry = createRegistry()): JobsEngine {
  const services = new LazyServices({});
  return {
    config: testConfig(),
    logger: silentLogger,
    runner: { instanceId, execute: () => Promise.reject(new Error('not in this test')) },
    registry,
    configStores: { get: () => Promise.reject(new Error('not in this test')) },
    services: () => services,
    stateboxPort: new MemoryStateBox(),
  };
}

describe('wireJobs (jobs/wiring.ts)', () => {
  let store: SqliteTestStore;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('every wiring has its own watch handlers, of every kind (no process-wide registration done once)', async () => {
    const a = wireJobs(engine('replica-a'), store);
    const b = wireJobs(engine('replica-b'), store);
    const kinds = ['async-approval', 'cdn-push', 'jenkins-build', 'prow-job'];
    expect(a.watchHandlers.kinds().sort()).toEqual(kinds);
    expect(b.watchHandlers.kinds().sort()).toEqual(kinds);
    expect(b.watchHandlers).not.toBe(a.watchHandlers);
    const [ha, hb] = await Promise.all([a.watchHandlers.get('prow-job'), b.watchHandlers.get('prow-job')]);
    expect(ha).toBeDefined();
    expect(hb).not.toBe(ha);
  });

  it('names no follow-up kind: they come from the commands', () => {
    const source = readFileSync(new URL('../../src/jobs/wiring.ts', import.meta.url), 'utf8');
    for (const kind of ['prow-job', 'jenkins-build', 'cdn-push', 'async-approval', '_KIND']) expect(source).not.toContain(kind);
  });

  it('a command adds a follow-up with its own two files and the list: the wired poller follows its watches', async () => {
    // The declaration (light) names the kind; the implementation provides the handler.
    const decl = declareCommand({
      name: 'polish-release',
      group: 'oar',
      summary: 'a test command that leaves a polish watch behind',
      examples: [],
      safety: 'read',
      scope: 'zstream',
      options: z.object({}),
      followUpKinds: [{ kind: 'polish', summary: 'waits for the polish to dry' }],
    });
    const given: FollowUpDeps[] = [];
    const impl = implement(decl, {
      run: async () => ({ status: 'info', summary: '' }),
      followUps: {
        polish: (deps) => {
          given.push(deps);
          return { poll: async (w) => ({ done: true, status: 'Pass', summary: `polished ${w.release}` }) };
        },
      },
    });
    const jobs = wireJobs(engine('replica-a', createRegistry([lazy(decl, async () => ({ default: impl }))])), store);
    const added = await store.addWatch({ kind: 'polish', release: '4.19.37', subject: {}, intervalMs: 60_000, deadline: new Date(Date.now() + 3_600_000), createdAt: new Date(), nextCheckAt: new Date(0) });
    if (!added.created) throw new Error('not created');

    const summary = await jobs.poller.pollOnce();

    expect(summary).toMatchObject({ claimed: 1, done: 1 });
    expect(await store.getWatch(added.watch.id)).toMatchObject({ state: 'done', lastResult: 'Pass: polished 4.19.37' });
    // The handler got the wiring's dependencies: the store and the notice targets among them.
    expect(given).toHaveLength(1);
    expect(given[0]!.store).toBe(store);
    expect(await given[0]!.notices.leadMention('4.19.37')).toBe('@qe-release');
    // One set of notice targets per wiring: the follow-ups and the jobs (the release detector) share it.
    expect(given[0]!.notices).toBe(jobs.env.notices);
  });

  it('each job run takes its own notifier, which warns into that run\'s log (mentions and warnings are memoised per instance)', async () => {
    const jobs = wireJobs(engine('replica-a'), store);
    const noLead: NoticeConfig = { ystream: '4.19', releaseLeadGroup: () => undefined, slackChannel: () => '#c', slackGroupId: () => undefined, slackUserGroup: () => undefined };
    const runLog = () => {
      const lines: string[] = [];
      return { lines, logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push((JSON.parse(l) as { msg: string }).msg) } }) };
    };
    const first = runLog();
    const second = runLog();
    const a = jobs.env.notifier(first.logger);
    expect(await a.leadMention(noLead)).toBe('@qe-release');
    expect(await a.leadMention(noLead)).toBe('@qe-release');
    const b = jobs.env.notifier(second.logger);
    expect(b).not.toBe(a);
    expect(await b.leadMention(noLead)).toBe('@qe-release');
    const warning = 'no release lead group is configured for 4.19 (contacts.slack.qe-release.4.19)';
    expect(first.lines).toEqual([warning]);
    expect(second.lines).toEqual([warning]);
  });
});
