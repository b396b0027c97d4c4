/**
 * Writes to the record branch with the file's SHA. Several writers touch the same files (the
 * controller, the aggregator, the manual commands, possibly on two replicas), so an update
 * re-reads and recomputes on a SHA conflict instead of overwriting: nothing is lost.
 * Commit messages are the original's: "create new file", "update file content", "delete file".
 */
import { isGitHubConflict, type RepoFile } from '../../integrations/github.ts';
import { IntegrationError } from '../../integrations/http.ts';
import type { ProwGitHub } from './deps.ts';

export const COMMIT_CREATE = 'create new file';
export const COMMIT_UPDATE = 'update file content';
export const COMMIT_DELETE = 'delete file';

export interface FileTarget {
  github: ProwGitHub;
  repo: string;
  branch: string;
  signal?: AbortSignal;
}

export async function readFile(t: FileTarget, path: string): Promise<RepoFile | null> {
  return t.github.getFile(t.repo, t.branch, path, t.signal ? { signal: t.signal } : {});
}

export interface UpdateResult {
  /** A commit was made. */
  written: boolean;
  /** The file's content afterwards (null: it does not exist). */
  text: string | null;
}

/**
 * Read-compute-write with retry on SHA conflicts. `compute` gets the current file (null when
 * absent) and returns the new text, or null to leave the file as it is. Identical text is not
 * written (the original committed on every pass, tens of thousands of empty commits).
 */
export async function updateFile(
  t: FileTarget,
  path: string,
  compute: (current: RepoFile | null) => Promise<string | null>,
  opts: { initial?: RepoFile | null; attempts?: number } = {},
): Promise<UpdateResult> {
  const attempts = opts.attempts ?? 4;
  let current = opts.initial !== undefined ? opts.initial : await readFile(t, path);
  for (let i = 1; ; i++) {
    const text = await compute(current);
    if (text === null || text === current?.text) return { written: false, text: current?.text ?? null };
    try {
      await t.github.putFile({
        repo: t.repo,
        branch: t.branch,
        path,
        text,
        message: current ? COMMIT_UPDATE : COMMIT_CREATE,
        sha: current?.sha ?? null,
        ...(t.signal ? { signal: t.signal } : {}),
      });
      return { written: true, text };
    } catch (e) {
      if (!isGitHubConflict(e) || i >= attempts) throw e;
      current = await readFile(t, path);
    }
  }
}

/** Delete a file if it still has `sha`; a concurrent change or deletion leaves it alone (false). */
export async function deleteFile(t: FileTarget, path: string, sha: string): Promise<boolean> {
  try {
    await t.github.deleteFile({ repo: t.repo, branch: t.branch, path, sha, message: COMMIT_DELETE, ...(t.signal ? { signal: t.signal } : {}) });
    return true;
  } catch (e) {
    // Changed or already gone since it was listed: someone else is handling it.
    if (isGitHubConflict(e) || (e instanceof IntegrationError && e.status === 404)) return false;
    throw e;
  }
}
