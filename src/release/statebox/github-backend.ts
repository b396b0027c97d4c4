/** StateBox on GitHub: `_releases/<y>/statebox/<release>.yaml` on OAR_GITHUB_REPO @ OAR_STATEBOX_BRANCH. */
import { isGitHubConflict, type GitHubClient } from '../../integrations/github.ts';
import { StateBoxConflictError } from './errors.ts';
import { stateBoxRelativePath, type StateBoxBackend, type StoredStateBox, type WriteOptions } from './backend.ts';

export interface GitHubStateBoxBackendOptions {
  client: GitHubClient;
  /** owner/name */
  repo: string;
  branch: string;
}

export class GitHubStateBoxBackend implements StateBoxBackend {
  readonly kind = 'github' as const;
  readonly description: string;
  private readonly client: GitHubClient;
  private readonly repo: string;
  private readonly branch: string;

  constructor(opts: GitHubStateBoxBackendOptions) {
    this.client = opts.client;
    this.repo = opts.repo;
    this.branch = opts.branch;
    this.description = `GitHub ${opts.repo}@${opts.branch} (${opts.client.apiUrl})`;
  }

  location(release: string): string {
    return this.client.webUrl(this.repo, this.branch, stateBoxRelativePath(release));
  }

  async read(release: string, signal?: AbortSignal): Promise<StoredStateBox | null> {
    const file = await this.client.getFile(this.repo, this.branch, stateBoxRelativePath(release), { signal });
    return file ? { text: file.text, version: file.sha } : null;
  }

  async write(release: string, text: string, opts: WriteOptions): Promise<{ version: string }> {
    try {
      const res = await this.client.putFile({
        repo: this.repo,
        branch: this.branch,
        path: stateBoxRelativePath(release),
        text,
        message: opts.message,
        sha: opts.expectedVersion,
        signal: opts.signal,
      });
      return { version: res.sha };
    } catch (e) {
      if (isGitHubConflict(e)) throw new StateBoxConflictError(release, opts.expectedVersion === null ? 'exists' : 'changed', e.status !== undefined ? `GitHub ${e.status}` : undefined);
      throw e;
    }
  }
}
