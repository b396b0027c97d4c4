import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';
import { createEngine } from '../../src/engine.ts';
import { loadConfig } from '../../src/config/env.ts';

describe('simulated world', () => {
  let world: SimulatedWorld;
  beforeAll(async () => {
    world = await startSimulatedWorld();
  });
  afterAll(() => world.stop());

  it('seeds an Errata-flow and a Konflux-flow release from the fixtures, and ConfigStore reads them', async () => {
    const errata = world.seedRelease('4.19.1');
    const konflux = world.seedRelease('4.19.10');
    expect(errata.flow).toBe('errata');
    expect(konflux.flow).toBe('konflux');
    expect(world.errata.advisory(151166).state).toBe('QE');
    expect(world.gitlab.mergeRequests.find((m) => m.iid === konflux.mrIid)?.state).toBe('opened');
    const engine = await createEngine({ frontEnd: 'test', config: loadConfig({ ...world.env, LOG_LEVEL: 'silent' }) });
    const r = await engine.runner.execute({ command: engine.registry.get('release-info')!, release: '4.19.10', options: {}, actor: { id: 'cli:t', via: 'cli' } });
    expect(r.kind === 'done' && r.outcome.data).toMatchObject({ flow: 'konflux', jira_ticket: 'ART-14050', advisories: { rhcos: 153981, rpm: 153979 } });
    await engine.close();
  });

  it('serves the ART tracking files and Prow records on the simulated GitHub branches', () => {
    expect(world.github.listFiles('z-stream', '_releases/4.19/').some((f) => f.endsWith('4.19.z.yaml'))).toBe(true);
    expect(world.github.listFiles('record', '_releases/').filter((f) => f.includes('ocp-test-result-')).length).toBeGreaterThan(100);
  });
});
