/**
 * The approval's requests that do not depend on each other run side by side (command-latency,
 * issue 22), and the ones that do still wait: driven by fake clients whose answers the test
 * releases, so what is in flight at once is observed, never timed.
 */
import { describe, expect, it } from 'vitest';
import type { ErrataClient } from '../../../src/integrations/errata/index.ts';
import type { JiraClient, JiraIssue, JiraTransition } from '../../../src/integrations/jira.ts';
import { applyRelPrep, type ReleaseAdvisory, type RelPrepCheck } from '../../../src/commands/approval/advisories.ts';
import { LineCollector } from '../../../src/commands/approval/log.ts';
import { closeQeSubtasks, readSubtasksToClose } from '../../../src/commands/approval/subtasks.ts';
import { collectKernelChecks, startKernelChecks } from '../../../src/commands/approval/kernel-guard.ts';
import type { BrewClient } from '../../../src/integrations/brew.ts';
import { QE_SUBTASKS } from '../../../src/release/tasks.ts';

/** Lets queued promise callbacks run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function advisory(id: number, blockingAdvisories: number[] = []): ReleaseAdvisory {
  return { id, impetus: `ad${id}`, type: 'RHBA', state: 'QE', blockingAdvisories };
}

/** An Errata client whose state changes answer when the test says so. */
function errataHeld() {
  const pending = new Map<number, PromiseWithResolvers<boolean>>();
  const started: number[] = [];
  const client = {
    changeState(id: number): Promise<boolean> {
      started.push(id);
      const d = Promise.withResolvers<boolean>();
      pending.set(id, d);
      return d.promise;
    },
  } as unknown as ErrataClient;
  return { client, started, answer: (id: number) => pending.get(id)!.resolve(true), fail: (id: number, e: Error) => pending.get(id)!.reject(e) };
}

const check = (ads: ReleaseAdvisory[]): RelPrepCheck => ({ toMove: ads, done: [], problems: [] });

describe('applyRelPrep', () => {
  it('moves independent advisories side by side; one blocked by another waits for its move; lines in the advisories order', async () => {
    const e = errataHeld();
    const log = new LineCollector();
    // 3 is blocked by 1 (Errata refuses 3 before 1 is in REL_PREP); 2 and 4 depend on nothing.
    const run = applyRelPrep(e.client, check([advisory(1), advisory(2), advisory(3, [1]), advisory(4)]), log);
    await settle();
    expect(e.started).toEqual([1, 2, 4]);
    e.answer(2);
    e.answer(4);
    await settle();
    expect(e.started).toEqual([1, 2, 4]);
    e.answer(1);
    await settle();
    expect(e.started).toEqual([1, 2, 4, 3]);
    e.answer(3);
    const moved = await run;
    expect(moved.map((a) => [a.id, a.state])).toEqual([[1, 'REL_PREP'], [2, 'REL_PREP'], [3, 'REL_PREP'], [4, 'REL_PREP']]);
    expect(log.lines).toEqual(['advisory 1 state is updated to REL_PREP', 'advisory 2 state is updated to REL_PREP', 'advisory 4 state is updated to REL_PREP', 'advisory 3 state is updated to REL_PREP']);
  });

  it('a failed move: the moves in flight finish and are logged, the blocked ones never start, the first failure in order is thrown', async () => {
    const e = errataHeld();
    const log = new LineCollector();
    const run = applyRelPrep(e.client, check([advisory(1), advisory(2), advisory(3, [1])]), log);
    const outcome = run.catch((err: unknown) => err);
    await settle();
    e.fail(1, new Error('Errata refused advisory 1'));
    e.answer(2);
    expect(((await outcome) as Error).message).toBe('Errata refused advisory 1');
    expect(e.started).toEqual([1, 2]);
    expect(log.lines).toEqual(['advisory 2 state is updated to REL_PREP']);
  });
});

describe('closing the QE subtasks with the reads made ahead', () => {
  function jiraFake() {
    const counts = { getIssue: 0, getIssuesByKeys: 0, getTransitions: 0, transitionReads: 0, moves: [] as string[] };
    const subtasks: JiraIssue[] = [
      { key: 'ART-2', summary: QE_SUBTASKS.relPrep, status: 'To Do' },
      { key: 'ART-3', summary: QE_SUBTASKS.verification, status: 'Closed' },
      { key: 'ART-4', summary: QE_SUBTASKS.onQaNotify, status: 'In Progress' },
    ] as JiraIssue[];
    const client = {
      async getIssue() {
        counts.getIssue++;
        return { key: 'ART-1', subtasks: subtasks.map((s) => ({ key: s.key, summary: s.summary })) };
      },
      async getIssuesByKeys() {
        counts.getIssuesByKeys++;
        return { issues: subtasks, missing: [] };
      },
      async getTransitions(): Promise<JiraTransition[]> {
        counts.getTransitions++;
        return [{ id: '81', name: 'Closed' }];
      },
      async transition(key: string, name: string, known?: readonly JiraTransition[]) {
        if (!known) counts.transitionReads++;
        counts.moves.push(`${key}->${name}`);
        return known?.[0] ?? { id: '81', name };
      },
    } as unknown as JiraClient;
    return { client, counts };
  }

  it('the ticket, its QE subtasks and the transitions of the open ones are read once, ahead; closing only moves', async () => {
    const j = jiraFake();
    const ahead = readSubtasksToClose(j.client, 'ART-1');
    await settle();
    // Everything the step needs is read before the step runs.
    expect(j.counts).toMatchObject({ getIssue: 1, getIssuesByKeys: 1, getTransitions: 2 });
    expect(j.counts.moves).toEqual([]);
    const log = new LineCollector();
    const closed = await closeQeSubtasks(j.client, 'ART-1', log, ahead);
    expect(closed).toEqual(['ART-2', 'ART-4']);
    expect(j.counts).toMatchObject({ getIssue: 1, getIssuesByKeys: 1, getTransitions: 2, transitionReads: 0 });
    expect(j.counts.moves).toEqual(['ART-2->Closed', 'ART-4->Closed']);
    // The subtasks are closed side by side: their lines come in the order the moves answer.
    expect([...log.lines].sort()).toEqual(['jira issue ART-2 status is updated to Closed', 'jira issue ART-3 is already Closed', 'jira issue ART-4 status is updated to Closed']);
  });

  it('without reads made ahead (or for another ticket) the step reads for itself, once', async () => {
    const j = jiraFake();
    const other = readSubtasksToClose(j.client, 'ART-9');
    await settle();
    const closed = await closeQeSubtasks(j.client, 'ART-1', new LineCollector(), other);
    expect(closed).toEqual(['ART-2', 'ART-4']);
    expect(j.counts).toMatchObject({ getIssue: 2, getIssuesByKeys: 2, getTransitions: 4, transitionReads: 0 });
  });
});

describe('the kernel stop-ship guard', () => {
  /** Errata answers each advisory's builds when the test says so; Brew answers at once. */
  function world(builds: Record<number, string[]>) {
    const held = new Map<number, PromiseWithResolvers<Record<string, string[]>>>();
    const asked: number[] = [];
    const errata = {
      getBuilds(id: number) {
        asked.push(id);
        const d = Promise.withResolvers<Record<string, string[]>>();
        held.set(id, d);
        return d.promise;
      },
    } as unknown as ErrataClient;
    const brew = {
      metadataUrl: () => 'https://brew/metadata.json',
      prepareListTags: () => undefined,
      kernelOfBuild: async () => 'kernel-5.14.0-570.el9',
      listTags: async () => ['rhaos-4.19'],
    } as unknown as BrewClient;
    return { deps: { errata, brew: async () => brew }, asked, answer: (id: number) => held.get(id)!.resolve({ 'OSE-4.19': builds[id] ?? [] }) };
  }

  it('checks the RHCOS advisories side by side and writes their lines in the advisories order', async () => {
    const w = world({ 1: ['rhcos-x86_64-419.96.202508111001-0'], 2: ['rhcos-x86_64-419.96.202508111002-0'] });
    const ads = [{ id: 1, impetus: 'image' }, { id: 2, impetus: 'rhcos' }, { id: 3, impetus: 'rpm' }];
    const started = startKernelChecks(w.deps, ads);
    await settle();
    expect(w.asked).toEqual([1, 2]);
    w.answer(2);
    w.answer(1);
    const log = new LineCollector();
    const checks = await collectKernelChecks(started, ads, log);
    expect(checks.map((c) => [c.id, c.result])).toEqual([[1, 'clear'], [2, 'clear'], [3, 'not-rhcos']]);
    expect(log.lines).toEqual([
      'kernel kernel-5.14.0-570.el9 of rhcos-x86_64-419.96.202508111001-0 is not tagged early-kernel-stop-ship',
      'kernel kernel-5.14.0-570.el9 of rhcos-x86_64-419.96.202508111002-0 is not tagged early-kernel-stop-ship',
      'rpm advisory does not have RHCOS build, skip checking kernel tag',
    ]);
  });

  it('started before the reads that drop an advisory: the dropped one is ignored, its failure and lines included', async () => {
    const w = world({ 1: ['rhcos-x86_64-not.an.nvr'], 2: ['rhcos-x86_64-419.96.202508111002-0'] });
    const started = startKernelChecks(w.deps, [{ id: 1, impetus: 'image' }, { id: 2, impetus: 'rhcos' }]);
    await settle();
    w.answer(1);
    w.answer(2);
    const log = new LineCollector();
    // Advisory 1 turned out DROPPED_NO_SHIP: only 2 counts.
    const checks = await collectKernelChecks(started, [{ id: 2, impetus: 'rhcos' }], log);
    expect(checks.map((c) => [c.id, c.result])).toEqual([[2, 'clear']]);
    expect(log.lines).toHaveLength(1);
    // Had it counted, its unverifiable kernel would refuse the approval (fail closed).
    await expect(collectKernelChecks(started, [{ id: 1, impetus: 'image' }, { id: 2, impetus: 'rhcos' }])).rejects.toThrow(/cannot check the kernel tag of advisory 1 \(image\)/);
  });
});
