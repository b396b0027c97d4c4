/**
 * forRun(): one read of a release's StateBox serves a command run (its own writes included);
 * nothing is remembered across runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { META_4_19_1, localService, type LocalFixture } from './helpers.ts';

const R = '4.19.1';

describe('StateBoxService.forRun', () => {
  let f: LocalFixture;
  afterEach(() => f.cleanup());

  it('reads the file once per run, and later reads of the run see the run\'s own writes', async () => {
    f = localService();
    await f.service.create(META_4_19_1);
    const before = f.backend.reads;
    const run = f.service.forRun();
    const [a, b] = await Promise.all([run.getTaskStatus(R, 'image-consistency-check'), run.get(R)]);
    expect(a).toBeNull();
    expect(b?.exists).toBe(true);
    await run.updateTask(R, 'image-consistency-check', 'In Progress');
    expect(await run.getTaskStatus(R, 'image-consistency-check')).toBe('In Progress');
    await run.addIssue(R, 'blocked by OCPBUGS-1', { blocker: true, relatedTasks: ['image-consistency-check'] });
    expect((await run.getTaskBlocker(R, 'image-consistency-check'))?.issue).toBe('blocked by OCPBUGS-1');
    expect(f.backend.reads - before).toBe(1);
  });

  it('hands out copies: a caller editing its document does not change what the run reads next', async () => {
    f = localService();
    await f.service.create(META_4_19_1);
    const run = f.service.forRun();
    const doc = (await run.get(R))!;
    doc.state.issues.push({ issue: 'edited offline' } as never);
    expect((await run.get(R))!.state.issues).toEqual([]);
  });

  it('remembers nothing across runs: a new run (and the service itself) reads the file again', async () => {
    f = localService();
    await f.service.create(META_4_19_1);
    await f.service.forRun().get(R);
    const before = f.backend.reads;
    await f.service.forRun().get(R);
    await f.service.get(R);
    await f.service.get(R);
    expect(f.backend.reads - before).toBe(3);
  });
});
