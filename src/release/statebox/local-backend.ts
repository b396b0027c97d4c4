/**
 * StateBox in a local directory (the embedded default): `<dir>/_releases/<y>/statebox/<release>.yaml`.
 *
 * Writes are atomic (temp file + rename) and conditional: a short-lived lock file created with
 * O_EXCL guards the compare (stored version == expected) and the rename, so two processes that
 * race merge through the service's retry instead of clobbering each other. A lock left by a
 * crashed process is broken when its holder is gone (same host) or it is older than `lockStaleMs`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { gitBlobSha } from '../../integrations/github.ts';
import { StateBoxConflictError } from './errors.ts';
import { stateBoxRelativePath, type StateBoxBackend, type StoredStateBox, type WriteOptions } from './backend.ts';

export interface LocalStateBoxBackendOptions {
  dir: string;
  /** A lock older than this is considered abandoned. Default 30 s (a write holds it for milliseconds). */
  lockStaleMs?: number;
  /** How long a write waits for another writer's lock before reporting a conflict. Default 5 s. */
  lockWaitMs?: number;
}

function errno(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

export class LocalStateBoxBackend implements StateBoxBackend {
  readonly kind = 'local' as const;
  readonly description: string;
  readonly dir: string;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;

  constructor(opts: LocalStateBoxBackendOptions) {
    this.dir = resolve(opts.dir);
    this.lockStaleMs = opts.lockStaleMs ?? 30_000;
    this.lockWaitMs = opts.lockWaitMs ?? 5_000;
    this.description = `local directory ${this.dir}`;
  }

  location(release: string): string {
    return this.filePath(release);
  }

  filePath(release: string): string {
    return join(this.dir, ...stateBoxRelativePath(release).split('/'));
  }

  async list(ystream: string): Promise<string[]> {
    if (!/^\d+\.\d+$/.test(ystream)) return [];
    try {
      const files = await readdir(join(this.dir, '_releases', ystream, 'statebox'));
      return files.filter((f) => /^\d+\.\d+\.\d+\.yaml$/.test(f) && f.startsWith(`${ystream}.`)).map((f) => f.slice(0, -'.yaml'.length));
    } catch (e) {
      if (errno(e) === 'ENOENT') return [];
      throw e;
    }
  }

  async read(release: string): Promise<StoredStateBox | null> {
    try {
      const text = await readFile(this.filePath(release), 'utf8');
      return { text, version: gitBlobSha(text) };
    } catch (e) {
      if (errno(e) === 'ENOENT') return null;
      throw e;
    }
  }

  async write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }> {
    const file = this.filePath(release);
    await mkdir(dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    const handle = await this.acquire(release, lock);
    try {
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString(), message: opts.message }));
      const current = await this.read(release);
      const currentVersion = current?.version ?? null;
      if (currentVersion !== opts.expectedVersion) {
        throw new StateBoxConflictError(release, opts.expectedVersion === null ? 'exists' : 'changed');
      }
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const out = await open(tmp, 'w');
      try {
        await out.writeFile(text, 'utf8');
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, file);
      return { version: gitBlobSha(text) };
    } finally {
      await handle.close();
      await unlink(lock).catch(() => undefined);
    }
  }

  /**
   * The lock is held for the few milliseconds of a compare-and-rename, so waiting for it is cheaper
   * than failing the round: only a real version change should cost the writer a re-read.
   */
  private async acquire(release: string, lock: string) {
    const deadline = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        return await open(lock, 'wx');
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw e;
      }
      await this.breakIfStale(lock);
      if (Date.now() >= deadline) throw new StateBoxConflictError(release, 'locked');
      await delay(2 + Math.floor(Math.random() * 10));
    }
  }

  private async breakIfStale(lock: string): Promise<void> {
    try {
      const [info, text] = await Promise.all([stat(lock), readFile(lock, 'utf8')]);
      let holder: { pid?: unknown; host?: unknown } = {};
      try {
        holder = JSON.parse(text) as typeof holder;
      } catch {
        // An empty lock is one being written right now: judge it by age only.
      }
      const dead = typeof holder.pid === 'number' && holder.host === hostname() && !processAlive(holder.pid);
      if (dead || Date.now() - info.mtimeMs > this.lockStaleMs) await unlink(lock);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
  }
}
