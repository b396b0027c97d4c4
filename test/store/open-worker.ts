/** Opens (and migrates) a SQLite store when told to on stdin; prints ok or the error. */
import { createInterface } from 'node:readline';
import { SqliteStore } from '../../src/store/sqlite.ts';

const file = process.argv[2]!;
const store = new SqliteStore({ file });
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  try {
    await store.init();
    await store.audit({ event: 'run', actorId: `pid:${process.pid}` });
    process.stdout.write('ok\n');
  } catch (e) {
    process.stdout.write(`error ${e instanceof Error ? e.message : String(e)}\n`);
  }
  await store.close();
  break;
}
