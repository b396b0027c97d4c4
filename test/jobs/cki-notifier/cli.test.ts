import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/env.ts';
import { CKI_NOTIFIER_USAGE, parseCkiNotifierArgs, runCkiNotifierCli } from '../../../src/jobs/cki-notifier/cli.ts';
import { startCkiNotifier } from '../../../src/jobs/cki-notifier/service.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { SimulatedDataWarehouse, checkoutTree } from '../../../src/sandbox/datawarehouse/index.ts';
import { MemoryLedgerStore } from './memory-store.ts';

let sim: SimulatedDataWarehouse;
/** A DataWarehouse without /checkouts/<id>/all (answers 404 to it). */
let bare: SimulatedDataWarehouse;
beforeAll(async () => {
  [sim, bare] = await Promise.all([SimulatedDataWarehouse.start({ token: 'dw-token' }), SimulatedDataWarehouse.start({ token: 'dw-token', treeEndpoint: false })]);
});
afterAll(async () => {
  await Promise.all([sim.close(), bare.close()]);
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) };
}

describe('parseCkiNotifierArgs', () => {
  it('no arguments: consume; --status + --checkout-id: manual trigger; --dry-run', () => {
    expect(parseCkiNotifierArgs([])).toEqual({ mode: 'consume' });
    expect(parseCkiNotifierArgs(['--status', 'unknown', '--checkout-id', 'redhat:12345'])).toEqual({ mode: 'trigger', status: 'unknown', checkoutId: 'redhat:12345', dryRun: false });
    expect(parseCkiNotifierArgs(['--status=ready_to_report', '--checkout-id=redhat:1', '--dry-run'])).toMatchObject({ dryRun: true });
    expect(parseCkiNotifierArgs(['-h'])).toEqual({ mode: 'help' });
  });

  it('rejects bad combinations with a specific message', () => {
    expect(() => parseCkiNotifierArgs(['--status', 'ready_to_report'])).toThrow('--status needs --checkout-id');
    expect(() => parseCkiNotifierArgs(['--checkout-id', 'redhat:1'])).toThrow('--checkout-id needs --status');
    expect(() => parseCkiNotifierArgs(['--status', 'new', '--checkout-id', 'redhat:1'])).toThrow(/--status must be one of build_setups_finished, ready_to_report, unknown, checkout_issueoccurrences_changed \(got new\)/);
    expect(() => parseCkiNotifierArgs(['--dry-run'])).toThrow('--dry-run needs --status and --checkout-id');
    expect(() => parseCkiNotifierArgs(['--checkout', 'redhat:1'])).toThrow('unknown option: --checkout');
    expect(() => parseCkiNotifierArgs(['consume'])).toThrow('unexpected argument: consume');
  });
});

describe('runCkiNotifierCli (simulated DataWarehouse over HTTP, no broker needed)', () => {
  const config = (over: Record<string, string> = {}) => testConfig({ DATAWAREHOUSE_URL: sim.url, DATAWAREHOUSE_TOKEN: 'dw-token', ...over });

  it('--dry-run prints the message and publishes nothing, even in production', async () => {
    const t = checkoutTree({ n: 7001, misc: { ready_to_report: true } });
    sim.seedTree(t);
    const s = io();
    const store = new MemoryLedgerStore();
    const code = await runCkiNotifierCli(['--status', 'unknown', '--checkout-id', 'redhat:7001', '--dry-run'], { config: config({ CKI_DEPLOYMENT_ENVIRONMENT: 'production', RABBITMQ_HOST: '127.0.0.1', RABBITMQ_PORT: '1' }), logger: silentLogger, store, ...s });
    expect(code).toBe(0);
    expect(s.out[0]).toBe('dry run: would send post_test success for checkout redhat:7001\n');
    expect(JSON.parse(s.out[1]!)).toMatchObject({ checkout_id: 'redhat:7001', cki_finished: true, status: 'success' });
    expect(store.keys('cki-notifier')).toEqual([]);
  });

  it('outside production the manual trigger logs the message (records it) and says so', async () => {
    const t = checkoutTree({ n: 7002 });
    sim.seedTree(t);
    const s = io();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const code = await runCkiNotifierCli(['--status', 'build_setups_finished', '--checkout-id', 'redhat:7002'], { config: config({ CKI_LOGGING_LEVEL: 'INFO' }), logger, store: new MemoryLedgerStore(), ...s });
    expect(code).toBe(0);
    expect(s.out.join('')).toBe('logged (not production): pre_test success for checkout redhat:7002\n');
    expect(lines.some((l) => l.includes('"readyForTest"') && l.includes('redhat:7002'))).toBe(true);
  });

  it('manual checkout_issueoccurrences_changed carries no message misc, so it never matches the retriage rule', async () => {
    const t = checkoutTree({ n: 7003, misc: { ready_to_report: true } });
    sim.seedTree(t);
    const s = io();
    expect(await runCkiNotifierCli(['--status', 'checkout_issueoccurrences_changed', '--checkout-id', 'redhat:7003'], { config: config(), logger: silentLogger, store: new MemoryLedgerStore(), ...s })).toBe(0);
    expect(s.out.join('')).toMatch(/^skipped \(retriage_outcome_unchanged\)/);
  });

  it('usage errors exit 2 with the usage text; missing DataWarehouse configuration exits 1', async () => {
    const s = io();
    expect(await runCkiNotifierCli(['--status', 'bogus', '--checkout-id', 'x'], { config: config(), logger: silentLogger, store: new MemoryLedgerStore(), ...s })).toBe(2);
    expect(s.err.join('')).toContain(CKI_NOTIFIER_USAGE);
    const s2 = io();
    expect(await runCkiNotifierCli(['--status', 'unknown', '--checkout-id', 'redhat:1'], { config: testConfig(), logger: silentLogger, store: new MemoryLedgerStore(), ...s2 })).toBe(1);
    expect(s2.err.join('')).toContain('needs DATAWAREHOUSE_URL and DATAWAREHOUSE_TOKEN');
    const s3 = io();
    expect(await runCkiNotifierCli(['--help'], { config: testConfig(), logger: silentLogger, store: new MemoryLedgerStore(), ...s3 })).toBe(0);
    expect(s3.out.join('')).toBe(CKI_NOTIFIER_USAGE);
  });

  it('a DataWarehouse outage exits 1 naming the failure (no token in the text)', async () => {
    sim.seedTree(checkoutTree({ n: 7004 }));
    sim.injectFault({ path: '/api/1/kcidb/checkouts/redhat:7004/all', status: 503, times: Infinity });
    const s = io();
    const code = await runCkiNotifierCli(['--status', 'unknown', '--checkout-id', 'redhat:7004'], { config: config(), logger: silentLogger, store: new MemoryLedgerStore(), tuning: { dwRetries: 0 }, ...s });
    sim.clearFaults();
    expect(code).toBe(1);
    expect(s.err.join('')).toMatch(/DataWarehouse did not answer loading the tree of checkout redhat:7004: 503/);
    expect(s.err.join('')).not.toContain('dw-token');
  });
});

describe('runCkiNotifierCli: how DataWarehouse is read (CKI_DATAWAREHOUSE_TREE)', () => {
  const config = (server: SimulatedDataWarehouse, over: Record<string, string> = {}) => testConfig({ DATAWAREHOUSE_URL: server.url, DATAWAREHOUSE_TOKEN: 'dw-token', ...over });
  /** A post-test checkout whose verdict needs its tests and issue occurrences (a triaged FAIL). */
  const seeded = (n: number) => {
    const t = checkoutTree({ n, misc: { ready_to_report: true }, builds: [{ arch: 'x86_64', tests: [{ path: 'boot' }, { path: 'ltp', status: 'FAIL', triaged: true }] }, { arch: 'aarch64', tests: [{ path: 'boot' }] }] });
    sim.seedTree(t);
    bare.seedTree(t);
    return t;
  };
  const callsOf = (server: SimulatedDataWarehouse, id: string) => server.calls().filter((c) => c.path.includes(id)).map((c) => `${c.status} ${c.path}`);
  /** A logger at info whose lines are kept (the notifier's own level, WARN by default, applies below it). */
  const capture = () => {
    const lines: { level: number; msg: string }[] = [];
    return { lines, logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) } }) };
  };
  const dryRun = async (server: SimulatedDataWarehouse, id: string, over: Record<string, string> = {}) => {
    const s = io();
    const log = capture();
    const code = await runCkiNotifierCli(['--status', 'ready_to_report', '--checkout-id', id, '--dry-run'], { config: config(server, over), logger: log.logger, store: new MemoryLedgerStore(), ...s });
    return { code, out: s.out, err: s.err, warnings: log.lines.filter((l) => l.level === 40).map((l) => l.msg) };
  };

  it('auto (unset) against a DataWarehouse without /all: the walk, one warning, the same message as the tree', async () => {
    const t = seeded(7010);
    const id = t.checkout.id;
    const viaTree = await dryRun(sim, id);
    expect(viaTree.code).toBe(0);
    expect(callsOf(sim, id)).toEqual([`200 /api/1/kcidb/checkouts/${id}/all`]);
    expect(viaTree.warnings).toEqual([]);

    const walked = await dryRun(bare, id);
    expect(walked.code).toBe(0);
    expect(walked.err).toEqual([]);
    expect(walked.out[0]).toBe(`dry run: would send post_test success for checkout ${id}\n`);
    expect(JSON.parse(walked.out[1]!)).toMatchObject({ checkout_id: id, cki_finished: true, status: 'success' });
    expect(walked.out).toEqual(viaTree.out);
    const calls = callsOf(bare, id);
    expect(calls.slice(0, 3)).toEqual([`404 /api/1/kcidb/checkouts/${id}/all`, `200 /api/1/kcidb/checkouts/${id}`, `200 /api/1/kcidb/checkouts/${id}/builds`]);
    // The two builds' tests are listed side by side: their order is not fixed.
    expect(calls.slice(3, 5).sort()).toEqual(t.builds.map((b) => `200 /api/1/kcidb/builds/${b.id}/tests`).sort());
    expect(calls.slice(5)).toEqual([`200 /api/1/kcidb/checkouts/${id}/issueoccurrences`]);
    expect(walked.warnings).toEqual([expect.stringMatching(new RegExp(`404 to /all of checkout ${id}, which exists.*one by one`))]);
  });

  it('CKI_DATAWAREHOUSE_TREE=walk never asks /all, even of a DataWarehouse that has it', async () => {
    const t = seeded(7011);
    const id = t.checkout.id;
    const walked = await dryRun(sim, id, { CKI_DATAWAREHOUSE_TREE: 'walk' });
    expect(walked.code).toBe(0);
    expect(walked.out[0]).toBe(`dry run: would send post_test success for checkout ${id}\n`);
    const calls = callsOf(sim, id);
    expect(calls.filter((c) => c.endsWith('/all'))).toEqual([]);
    expect(calls[0]).toBe(`200 /api/1/kcidb/checkouts/${id}`);
    expect(calls).toHaveLength(5);
    expect(walked.warnings).toEqual([]);
  });
});

describe('startCkiNotifier configuration checks', () => {
  it('needs RABBITMQ_HOST and DataWarehouse settings', async () => {
    await expect(startCkiNotifier({ config: testConfig({ DATAWAREHOUSE_URL: sim.url, DATAWAREHOUSE_TOKEN: 't' }), logger: silentLogger, store: new MemoryLedgerStore() })).rejects.toThrow(/RABBITMQ_HOST/);
    await expect(startCkiNotifier({ config: testConfig({ RABBITMQ_HOST: '127.0.0.1' }), logger: silentLogger, store: new MemoryLedgerStore() })).rejects.toThrow(/DATAWAREHOUSE_URL and DATAWAREHOUSE_TOKEN/);
  });
});
