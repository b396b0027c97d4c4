/** Shared test helpers for StateBox tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateBoxBackend, StoredStateBox, WriteOptions } from '../../../src/release/statebox/backend.ts';
import { LocalStateBoxBackend } from '../../../src/release/statebox/local-backend.ts';
import type { ReleaseMetadataInput } from '../../../src/release/statebox/schema.ts';
import { StateBoxService, type StateBoxServiceOptions } from '../../../src/release/statebox/service.ts';

export const META_4_19_1: ReleaseMetadataInput = {
  release: '4.19.1',
  advisories: { rpm: 151234, rhcos: 151235 },
  jira_ticket: 'ART-12345',
  candidate_builds: { x86_64: '4.19.0-0.nightly-2025-11-20-101010' },
  shipment_mr: 'https://gitlab.cee.redhat.com/hybrid-platforms/art/ocp-shipment-data/-/merge_requests/337',
  release_date: '2025-Dec-03',
};

/** Wraps a backend and counts reads and writes. */
export class CountingBackend implements StateBoxBackend {
  readonly kind: StateBoxBackend['kind'];
  readonly description: string;
  reads = 0;
  writes = 0;
  readonly inner: StateBoxBackend;
  constructor(inner: StateBoxBackend) {
    this.inner = inner;
    this.kind = inner.kind;
    this.description = inner.description;
  }
  location(release: string): string {
    return this.inner.location(release);
  }
  async read(release: string): Promise<StoredStateBox | null> {
    this.reads++;
    return this.inner.read(release);
  }
  async write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }> {
    this.writes++;
    return this.inner.write(release, text, opts);
  }
}

export interface LocalFixture {
  dir: string;
  backend: CountingBackend;
  service: StateBoxService;
  clock: { now: Date };
  cleanup(): void;
}

/** A service on a fresh temporary directory with a controllable clock and fast retries. */
export function localService(opts: Partial<StateBoxServiceOptions> = {}, meta: ReleaseMetadataInput = META_4_19_1): LocalFixture {
  const dir = mkdtempSync(join(tmpdir(), 'oar-statebox-'));
  const backend = new CountingBackend(new LocalStateBoxBackend({ dir }));
  const clock = { now: new Date('2025-11-27T21:50:00Z') };
  const service = new StateBoxService({
    backend,
    metadataProvider: async (release) => ({ ...meta, release }),
    now: () => clock.now,
    minRetryDelayMs: 1,
    maxRetryDelayMs: 5,
    ...opts,
  });
  return { dir, backend, service, clock, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
