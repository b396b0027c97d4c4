/**
 * In-memory git hosting for the simulated GitHub: repositories, branches, files (with real git
 * blob SHAs, so a client cannot tell them from GitHub's), and a commit log.
 * Every mutation is synchronous, so one HTTP request is one atomic compare-and-swap.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gitBlobSha } from '../../integrations/github.ts';

export { gitBlobSha };

export interface StoredFile {
  text: string;
  /** git blob SHA-1 of the UTF-8 bytes. */
  sha: string;
  size: number;
}

export interface CommitRecord {
  sha: string;
  repo: string;
  branch: string;
  path: string;
  action: 'create' | 'update' | 'delete';
  message: string;
  at: string;
  /** Blob SHA after the commit (null for a delete). */
  blobSha: string | null;
}

export interface DirEntry {
  name: string;
  path: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

export type WriteOutcome =
  | { ok: true; file: StoredFile; commit: CommitRecord; created: boolean }
  | { ok: false; reason: 'no-repo' | 'no-branch' | 'stale-sha' | 'sha-required' | 'not-found' };

function treeSha(entries: DirEntry[]): string {
  const h = createHash('sha1').update('tree');
  for (const e of entries) h.update(`${e.type} ${e.name} ${e.sha}\n`);
  return h.digest('hex');
}

export function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');
}

export class InMemoryGitHub {
  /** repo -> branch -> path -> file */
  private readonly repos = new Map<string, Map<string, Map<string, StoredFile>>>();
  private readonly commitLog: CommitRecord[] = [];

  createRepo(repo: string): void {
    if (!this.repos.has(repo)) this.repos.set(repo, new Map());
  }

  hasRepo(repo: string): boolean {
    return this.repos.has(repo);
  }

  createBranch(repo: string, branch: string): void {
    this.createRepo(repo);
    const branches = this.repos.get(repo)!;
    if (!branches.has(branch)) branches.set(branch, new Map());
  }

  hasBranch(repo: string, branch: string): boolean {
    return this.repos.get(repo)?.has(branch) ?? false;
  }

  branches(repo: string): string[] {
    return [...(this.repos.get(repo)?.keys() ?? [])];
  }

  getFile(repo: string, branch: string, path: string): StoredFile | undefined {
    return this.repos.get(repo)?.get(branch)?.get(normalizePath(path));
  }

  /** Unconditional write (seeding); creates the repository and branch when needed. */
  setFile(repo: string, branch: string, path: string, text: string, message = 'seed'): StoredFile {
    this.createBranch(repo, branch);
    const outcome = this.write(repo, branch, path, text, message, { force: true });
    if (!outcome.ok) throw new Error(`seeding ${path} failed: ${outcome.reason}`);
    return outcome.file;
  }

  /**
   * Conditional write with GitHub's contents-API semantics: no sha creates (fails when the file
   * exists), a sha updates (fails when it is not the current one).
   */
  write(repo: string, branch: string, path: string, text: string, message: string, cond: { sha?: string | null; force?: boolean }): WriteOutcome {
    const branches = this.repos.get(repo);
    if (!branches) return { ok: false, reason: 'no-repo' };
    const files = branches.get(branch);
    if (!files) return { ok: false, reason: 'no-branch' };
    const key = normalizePath(path);
    const current = files.get(key);
    if (!cond.force) {
      if (current && !cond.sha) return { ok: false, reason: 'sha-required' };
      if (cond.sha && (!current || current.sha !== cond.sha)) return { ok: false, reason: 'stale-sha' };
    }
    const file: StoredFile = { text, sha: gitBlobSha(text), size: Buffer.byteLength(text, 'utf8') };
    files.set(key, file);
    const commit = this.record(repo, branch, key, current ? 'update' : 'create', message, file.sha);
    return { ok: true, file, commit, created: !current };
  }

  delete(repo: string, branch: string, path: string, message: string, sha: string | undefined): WriteOutcome {
    const files = this.repos.get(repo)?.get(branch);
    if (!this.repos.has(repo)) return { ok: false, reason: 'no-repo' };
    if (!files) return { ok: false, reason: 'no-branch' };
    const key = normalizePath(path);
    const current = files.get(key);
    if (!current) return { ok: false, reason: 'not-found' };
    if (!sha) return { ok: false, reason: 'sha-required' };
    if (current.sha !== sha) return { ok: false, reason: 'stale-sha' };
    files.delete(key);
    const commit = this.record(repo, branch, key, 'delete', message, null);
    return { ok: true, file: current, commit, created: false };
  }

  /** Every file path on a branch (sorted). */
  paths(repo: string, branch: string): string[] {
    return [...(this.repos.get(repo)?.get(branch)?.keys() ?? [])].sort();
  }

  isDirectory(repo: string, branch: string, path: string): boolean {
    const dir = normalizePath(path);
    if (dir === '') return this.hasBranch(repo, branch);
    return this.paths(repo, branch).some((p) => p.startsWith(`${dir}/`));
  }

  /** Direct children of a directory ('' = root), directories first synthesised from file paths. */
  children(repo: string, branch: string, path: string): DirEntry[] {
    const dir = normalizePath(path);
    const prefix = dir === '' ? '' : `${dir}/`;
    const files = this.repos.get(repo)?.get(branch);
    if (!files) return [];
    const dirs = new Set<string>();
    const out: DirEntry[] = [];
    for (const [p, f] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) out.push({ name: rest, path: p, type: 'blob', sha: f.sha, size: f.size });
      else dirs.add(rest.slice(0, slash));
    }
    for (const name of [...dirs].sort()) {
      const sub = `${prefix}${name}`;
      out.push({ name, path: sub, type: 'tree', sha: this.treeShaOf(repo, branch, sub) });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Every file and directory under the root, as the recursive git trees API lists them. */
  recursiveTree(repo: string, branch: string): DirEntry[] {
    const out: DirEntry[] = [];
    const walk = (dir: string) => {
      for (const e of this.children(repo, branch, dir)) {
        out.push(e);
        if (e.type === 'tree') walk(e.path);
      }
    };
    walk('');
    return out;
  }

  treeShaOf(repo: string, branch: string, path: string): string {
    return treeSha(this.children(repo, branch, path));
  }

  /** A blob by SHA anywhere in the repository. */
  blob(repo: string, sha: string): StoredFile | undefined {
    for (const files of this.repos.get(repo)?.values() ?? []) {
      for (const f of files.values()) if (f.sha === sha) return f;
    }
    return undefined;
  }

  commits(filter: { repo?: string; branch?: string; path?: string } = {}): CommitRecord[] {
    return this.commitLog.filter(
      (c) => (!filter.repo || c.repo === filter.repo) && (!filter.branch || c.branch === filter.branch) && (!filter.path || c.path === normalizePath(filter.path)),
    );
  }

  headSha(repo: string, branch: string): string | undefined {
    if (!this.hasBranch(repo, branch)) return undefined;
    return [...this.commitLog].reverse().find((c) => c.repo === repo && c.branch === branch)?.sha ?? createHash('sha1').update(`${repo}@${branch}`).digest('hex');
  }

  private record(repo: string, branch: string, path: string, action: CommitRecord['action'], message: string, blobSha: string | null): CommitRecord {
    const commit: CommitRecord = { sha: randomBytes(20).toString('hex'), repo, branch, path, action, message, at: new Date().toISOString(), blobSha };
    this.commitLog.push(commit);
    return commit;
  }
}
