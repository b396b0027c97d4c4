/**
 * One contender of the cross-process race (see race.ts). Opens the store named by argv[2]
 * (JSON), prints {"type":"ready"}, then obeys stdin lines:
 * - `race <n>`: race for the shared lock `release:race`, the shared lease `race` and the
 *   dedup key `race-<n>`; print what it won;
 * - `reset <n>`: give back the lock and lease if it won them (so the next round starts free
 *   and the same rows are fought over again); print an acknowledgement;
 * - `quit`: close the store and exit.
 */
import { createInterface } from 'node:readline';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { PostgresStore } from '../../src/store/postgres.ts';

type Target = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; schema: string };

const target = JSON.parse(process.argv[2] ?? '{}') as Target;
const name = process.argv[3] ?? 'worker';
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const store: Store = target.engine === 'sqlite'
  ? new SqliteStore({ file: target.file, busyTimeoutMs: 20_000 })
  : new PostgresStore({ url: target.url, schema: target.schema, maxConnections: 2 });
await store.init();
out({ type: 'ready', name });

const now = new Date('2026-07-01T10:00:00Z');
let won = { lock: false, lease: false };
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'quit') break;
  const round = Number(arg);
  if (cmd === 'race') {
    const lock = await store.acquireLock({ key: 'release:race', holder: name, reason: `round ${round}`, ttlMs: 60_000, owner: name, now });
    const lease = await store.tryLease('race', name, 60_000, now);
    const seen = await store.markSeen(`race-${round}`, 600_000, now);
    won = { lock: lock.acquired, lease };
    out({ type: 'result', round, lock: lock.acquired, lease, seen });
  } else if (cmd === 'reset') {
    if (won.lock && !(await store.releaseLock('release:race', { holder: name }))) throw new Error(`round ${round}: lost a lock we held`);
    if (won.lease) await store.releaseLease('race', name);
    won = { lock: false, lease: false };
    out({ type: 'reset', round });
  } else {
    throw new Error(`unknown command ${JSON.stringify(line)}`);
  }
}
await store.close();
// The parent may keep our stdin open; it must not keep this process alive.
process.stdin.destroy();
