/**
 * Writes that must not be lost when the store goes away in the middle of a command: the
 * command's outcome audit row and the release of its lock. A write that fails is appended to a
 * local spool file (JSON lines under the data directory) and retried with backoff until the
 * store answers again; the file survives a restart and is replayed at startup. Entries are
 * replayed in order; a lock release is replayed only while the lock is still the one this run
 * held (same owner and acquisition time), so a late replay never frees someone else's lock.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { AuditEntry, LockInfo, Store } from './types.ts';

export const SPOOL_FILE_NAME = 'store-spool.jsonl';

type SpoolRecord =
  | { kind: 'audit'; entry: Omit<AuditEntry, 'at'> & { at: string } }
  | { kind: 'release-lock'; key: string; holder: string; owner: string; acquiredAt: string };

export interface StoreSpoolOptions {
  store: Pick<Store, 'audit' | 'releaseLock' | 'listLocks'>;
  file: string;
  logger?: Logger;
  /** First retry delay (default 1 s), doubled up to maxRetryMs (default 30 s). */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export class StoreSpool {
  readonly file: string;
  private readonly store: StoreSpoolOptions['store'];
  private readonly log: Logger;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private delay: number;
  private timer: NodeJS.Timeout | undefined;
  private replaying: Promise<number> | undefined;
  private stopped = false;

  constructor(opts: StoreSpoolOptions) {
    this.file = opts.file;
    this.store = opts.store;
    this.log = opts.logger ?? silentLogger;
    this.minRetryMs = opts.minRetryMs ?? 1_000;
    this.maxRetryMs = opts.maxRetryMs ?? 30_000;
    this.delay = this.minRetryMs;
  }

  /** Entries waiting for the store. */
  get size(): number {
    return this.read().length;
  }

  /** Write an audit entry now, or spool it (it then arrives once the store is back). */
  async audit(entry: AuditEntry): Promise<'written' | 'spooled'> {
    const at = entry.at ?? new Date();
    // Later entries wait behind spooled ones: the audit log keeps its order.
    if (this.size === 0) {
      try {
        await this.store.audit({ ...entry, at });
        return 'written';
      } catch (e) {
        this.log.error({ err: e, event: entry.event, command: entry.command }, 'audit write failed; spooled until the store is back');
      }
    }
    this.append({ kind: 'audit', entry: { ...entry, at: at.toISOString() } });
    return 'spooled';
  }

  /** Release a lock now, or spool the release. */
  async releaseLock(lock: LockInfo): Promise<'written' | 'spooled'> {
    try {
      await this.store.releaseLock(lock.key, { holder: lock.holder });
      return 'written';
    } catch (e) {
      this.log.error({ err: e, lock: lock.key }, 'lock release failed; spooled until the store is back');
      this.append({ kind: 'release-lock', key: lock.key, holder: lock.holder, owner: lock.owner, acquiredAt: lock.acquiredAt.toISOString() });
      return 'spooled';
    }
  }

  /**
   * Replay what is spooled, in order, stopping at the first failure (retried with backoff).
   * Returns how many entries are left. Called at startup and by the retry timer.
   */
  replay(): Promise<number> {
    this.replaying ??= this.replayNow().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /** Stop retrying (shutdown); what is spooled stays in the file for the next start. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async replayNow(): Promise<number> {
    const records = this.read();
    let done = 0;
    try {
      for (const r of records) {
        await this.apply(r);
        done++;
      }
    } catch (e) {
      this.log.warn({ err: e, left: records.length - done }, 'store still unreachable; spooled writes kept');
    }
    // Entries appended while replaying are kept: drop only the ones applied (always the first).
    const remaining = done > 0 ? this.read().slice(done) : records;
    if (done > 0) this.rewrite(remaining);
    const left = remaining.length;
    if (done > 0) this.log.info({ replayed: done, left }, 'spooled store writes replayed');
    if (left === 0) this.delay = this.minRetryMs;
    else this.schedule();
    return left;
  }

  private async apply(r: SpoolRecord): Promise<void> {
    if (r.kind === 'audit') {
      await this.store.audit({ ...r.entry, at: new Date(r.entry.at) });
      return;
    }
    const current = (await this.store.listLocks()).find((l) => l.key === r.key);
    if (current && current.owner === r.owner && current.acquiredAt.toISOString() === r.acquiredAt) await this.store.releaseLock(r.key, { holder: r.holder });
  }

  private append(r: SpoolRecord): void {
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(r)}\n`, { mode: 0o600 });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.maxRetryMs, this.delay * 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.replay();
    }, wait);
    this.timer.unref();
  }

  private read(): SpoolRecord[] {
    if (!existsSync(this.file)) return [];
    const out: SpoolRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as SpoolRecord);
      } catch {
        // A line cut by a crash mid-append: the rest of the file is still good.
        this.log.warn({ file: this.file }, 'skipping an unreadable spool line');
      }
    }
    return out;
  }

  /** Atomic: the file is replaced whole, so a crash never leaves half of it. */
  private rewrite(records: SpoolRecord[]): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
