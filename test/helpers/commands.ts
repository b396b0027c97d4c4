/** Small command definitions, an in-memory runner store and a runner on in-memory ports for engine tests. */
import { z } from 'zod';
import { defineCommand } from '../../src/commands/types.ts';
import { emailOption } from '../../src/commands/schemas.ts';
import { Runner, TERMINAL_AUTHORIZER, type RunnerDeps, type RunnerStore } from '../../src/commands/runner.ts';
import { MemoryStateBox } from '../../src/commands/ports.ts';
import { LazyServices } from '../../src/commands/services.ts';
import { testConfig } from '../../src/config/env.ts';
import type { ConfigStore } from '../../src/release/configstore.ts';
import type { AuditEntry, LockInfo, NewWatch, Store } from '../../src/store/types.ts';

export const takeOwnershipLike = defineCommand({
  name: 'take-ownership',
  group: 'oar',
  summary: 'Take ownership',
  examples: ['oar -r 4.19.1 take-ownership -e someone@redhat.com'],
  safety: 'write',
  task: 'take-ownership',
  scope: 'zstream',
  options: z.object({ email: emailOption().describe('QE owner e-mail') }),
  aliases: { e: 'email' },
  async run(ctx, o) {
    ctx.log.info(`QA Owner is updated to ${o.email}`);
    return { status: 'pass', summary: `owner ${o.email}` };
  },
});

export const notificatorLike = defineCommand({
  name: 'jira-notificator',
  group: 'oarctl',
  summary: 'Notify',
  examples: ['oarctl jira-notificator --dry-run'],
  safety: 'write',
  scope: 'none',
  options: z.object({
    dryRun: z.boolean().default(false).describe('Report only'),
    fromDate: z.string().optional(),
    searchBatchSize: z.coerce.number().int().positive().default(100),
  }),
  async run(_ctx, o) {
    return { status: 'info', summary: `dry=${o.dryRun} batch=${o.searchBatchSize}` };
  },
});

export const cveLike = defineCommand({
  name: 'check-cve-tracker-bug',
  group: 'oar',
  summary: 'CVE',
  examples: [],
  safety: (o) => (o.notify ? 'write' : 'read'),
  task: 'check-cve-tracker-bug',
  scope: 'zstream',
  options: z.object({ notify: z.boolean().default(true) }),
  async run() {
    return { status: 'pass', summary: 'ok' };
  },
});

export function memoryRunnerStore(now: () => Date = () => new Date()) {
  const locks = new Map<string, LockInfo>();
  const seen = new Set<string>();
  const audits: AuditEntry[] = [];
  const watches: NewWatch[] = [];
  const store: RunnerStore & { audits: AuditEntry[]; locks: Map<string, LockInfo>; watches: NewWatch[] } = {
    audits,
    locks,
    watches,
    async acquireLock(req) {
      const held = locks.get(req.key);
      if (held && held.expiresAt > now()) return { acquired: false, heldBy: held };
      const lock: LockInfo = { key: req.key, holder: req.holder, holderName: req.holderName, reason: req.reason, acquiredAt: now(), expiresAt: new Date(now().getTime() + req.ttlMs), owner: req.owner, heartbeatAt: now() };
      locks.set(req.key, lock);
      return { acquired: true, lock };
    },
    async extendLock(key, holder, ttlMs) {
      const held = locks.get(key);
      if (!held || held.holder !== holder || held.expiresAt <= now()) return false;
      locks.set(key, { ...held, heartbeatAt: now(), expiresAt: new Date(now().getTime() + ttlMs) });
      return true;
    },
    async releaseLock(key, opts) {
      const held = locks.get(key);
      if (!held || (opts?.holder && held.holder !== opts.holder && !opts.force)) return false;
      return locks.delete(key);
    },
    async audit(e) {
      audits.push(e);
      return audits.length;
    },
    async markSeen(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
    async addWatch(w) {
      watches.push(w);
      return { created: true, watch: { ...w, id: String(watches.length), state: 'active', createdAt: now(), nextCheckAt: now(), attempts: 0 } };
    },
  };
  return store;
}

/**
 * A Runner on in-memory ports: test config, memoryRunnerStore, MemoryStateBox, no services, an
 * empty ConfigStore, and every caller allowed everything; `deps` replace any of them.
 */
export function memoryRunner(deps: Partial<RunnerDeps> = {}): Runner {
  return new Runner({
    config: testConfig(),
    store: memoryRunnerStore() as unknown as Store,
    statebox: new MemoryStateBox(),
    services: new LazyServices(),
    configStores: { get: async () => ({}) as ConfigStore },
    authorizer: TERMINAL_AUTHORIZER,
    ...deps,
  });
}
