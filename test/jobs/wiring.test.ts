import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/env.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { silentLogger } from '../../src/log.ts';
import { wireJobs, type JobsEngine } from '../../src/jobs/wiring.ts';
import { openTestStore, type SqliteTestStore } from '../helpers/store.ts';

function engine(instanceId: string): JobsEngine {
  const services = new LazyServices({});
  return {
    config: testConfig(),
    logger: silentLogger,
    runner: { instanceId, execute: () => Promise.reject(new Error('not in this test')) },
    registry: { get: () => undefined, has: () => false },
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

  it('every wiring has its own watch handlers, of every kind (no process-wide registration done once)', () => {
    const a = wireJobs(engine('replica-a'), store);
    const b = wireJobs(engine('replica-b'), store);
    const kinds = ['async-approval', 'cdn-push', 'jenkins-build', 'prow-job'];
    expect(a.watchHandlers.kinds().sort()).toEqual(kinds);
    expect(b.watchHandlers.kinds().sort()).toEqual(kinds);
    expect(b.watchHandlers).not.toBe(a.watchHandlers);
    expect(b.watchHandlers.get('prow-job')).not.toBe(a.watchHandlers.get('prow-job'));
  });
});
