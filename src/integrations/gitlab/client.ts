/**
 * GitLab client for the Konflux shipment flow (oar-commands 9.3): users, projects, merge requests.
 * Shipment-MR operations live on ShipmentMergeRequest (merge-request.ts).
 */
import { describeError } from '../../describe-error.ts';
import { z } from 'zod';
import type { Logger } from 'pino';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike } from '../http.ts';
import type { Config } from '../../config/env.ts';
import { silentLogger } from '../../log.ts';
import { createGitlabApi, SYSTEM, toGitLabError, type GitlabApi, type GitlabTransportOptions } from './transport.ts';
import { toMergeRequestInfo, UserSchema, type GitLabUser, type MergeRequestInfo } from './types.ts';
import { parseMergeRequestUrl } from './mr-url.ts';
import { ShipmentMergeRequest, type GitLabMrClient } from './merge-request.ts';
import { ShipmentMrError, ShipmentMrNotOpenError } from './errors.ts';

export { ShipmentMrError, ShipmentMrNotOpenError };

export const SHIPMENT_PROJECT = 'hybrid-platforms/art/ocp-shipment-data';
const EMAIL_RE = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;

export interface GitLabClientOptions extends GitlabTransportOptions {
  logger?: Logger;
}

export class GitLabClient implements GitLabMrClient {
  readonly api: GitlabApi;
  readonly baseUrl: string;
  readonly logger: Logger;
  private currentUserCache: Promise<GitLabUser> | undefined;
  /** The documents shipment files link to, read without the GitLab token (same transport settings). */
  private readonly linked: HttpClient;

  constructor(opts: GitLabClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.logger = opts.logger ?? silentLogger;
    this.api = createGitlabApi(opts);
    this.linked = new HttpClient({ system: 'Shipment advisory', baseUrl: this.baseUrl, ...transportOptions(opts) });
  }

  /**
   * GET a document a shipment file links to by absolute URL (the stage advisory's `internal_url`,
   * oar-commands 11.7: "GET it (no auth)"), as text. The GitLab token is not sent.
   */
  async readLinkedDocument(url: string, operation: string): Promise<string> {
    return this.linked.request<string>(operation, { path: url, responseType: 'text', headers: { accept: 'application/yaml, text/plain, */*' } });
  }

  /** GITLAB_URL, else the ConfigStore's gitlab_url (passed by the caller). */
  static fromConfig(config: Config, deps: { gitlabUrl?: string; fetch?: FetchLike; logger?: Logger; observer?: CallObserver } = {}): GitLabClient {
    const baseUrl = config.GITLAB_URL ?? deps.gitlabUrl;
    if (!baseUrl) throw new IntegrationError({ system: SYSTEM, operation: 'configuring the GitLab client', userMessage: 'GitLab is not configured: set GITLAB_URL (or gitlab_url in the ConfigStore)' });
    if (!config.GITLAB_TOKEN) throw new IntegrationError({ system: SYSTEM, operation: 'configuring the GitLab client', userMessage: 'GitLab is not configured: set GITLAB_TOKEN' });
    return new GitLabClient({
      baseUrl,
      token: config.GITLAB_TOKEN,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
  }

  /** Run a gitbeaker call, turning any failure into an IntegrationError about `operation`. */
  async run<T>(operation: string, fn: (api: GitlabApi) => Promise<T>): Promise<T> {
    try {
      return await fn(this.api);
    } catch (e) {
      throw toGitLabError(operation, e);
    }
  }

  /** The token's user (`GET /user`), cached for the client's lifetime. */
  currentUser(): Promise<GitLabUser> {
    this.currentUserCache ??= this.run('reading the current user', (api) => api.Users.showCurrentUser())
      .then((u) => UserSchema.parse(u))
      .catch((e: unknown) => {
        this.currentUserCache = undefined;
        throw e;
      });
    return this.currentUserCache;
  }

  /** Username of the first user matching an e-mail (edge case 9 texts). */
  async usernameByEmail(email: string): Promise<string> {
    if (typeof email !== 'string' || email.trim() === '') throw new IntegrationError({ system: SYSTEM, operation: 'looking up a user by e-mail', userMessage: 'Email must be a non-empty string' });
    if (!EMAIL_RE.test(email.trim())) throw new IntegrationError({ system: SYSTEM, operation: 'looking up a user by e-mail', userMessage: `Email must be in valid format: ${email}` });
    const users = await this.run(`looking up the GitLab user of ${email}`, (api) => api.Users.all({ search: email.trim() }));
    const first = z.array(UserSchema).safeParse(users);
    const user = first.success ? first.data[0] : undefined;
    if (!user) throw new IntegrationError({ system: SYSTEM, operation: `looking up the GitLab user of ${email}`, userMessage: `No GitLab user found for email: ${email}` });
    return user.username;
  }

  async project(path: string): Promise<{ id: number; pathWithNamespace: string; webUrl: string }> {
    const raw = await this.run(`reading project ${path}`, (api) => api.Projects.show(path));
    const p = z.looseObject({ id: z.number(), path_with_namespace: z.string(), web_url: z.string() }).parse(raw);
    return { id: p.id, pathWithNamespace: p.path_with_namespace, webUrl: p.web_url };
  }

  /** `GET /projects/:id/merge_requests/:iid`; on 404 the first page of the project's MRs is searched. */
  async mergeRequest(projectPath: string, iid: number): Promise<MergeRequestInfo> {
    const operation = `reading merge request ${iid} of ${projectPath}`;
    try {
      const raw = await this.run(operation, (api) => api.MergeRequests.show(projectPath, iid));
      return toMergeRequestInfo(raw, operation);
    } catch (e) {
      if (!(e instanceof IntegrationError) || e.status !== 404) throw e;
      const list = await this.run(`listing merge requests of ${projectPath}`, (api) => api.MergeRequests.all({ projectId: projectPath, maxPages: 1, perPage: 100 }));
      const found = (list as unknown[]).find((m) => (m as { iid?: unknown }).iid === iid);
      if (!found) throw new IntegrationError({ system: SYSTEM, operation, status: 404, userMessage: `Merge request ${iid} not found` });
      return toMergeRequestInfo(found, operation);
    }
  }

  /** First open MR whose title is exactly `title` (GitLab's search is fuzzy, so it is re-checked). */
  async findOpenMergeRequestByTitle(projectPath: string, title: string): Promise<MergeRequestInfo | undefined> {
    const operation = `searching open merge requests titled "${title}" in ${projectPath}`;
    const list = await this.run(operation, (api) => api.MergeRequests.all({ projectId: projectPath, search: title, in: 'title', state: 'opened', maxPages: 1, perPage: 100 }));
    const found = (list as unknown[]).find((m) => (m as { title?: unknown }).title === title);
    return found ? toMergeRequestInfo(found, operation) : undefined;
  }

  /**
   * The release's shipment MR (ShipmentData). A bad URL or any client failure becomes
   * `Failed to initialize merge request: <why>`; an MR that is not `opened` raises
   * ShipmentMrNotOpenError (`Gitlab MR <iid> state is not open`) outside that wrapper (edge case 1).
   * The MR is read from this client's GitLab (GITLAB_URL), whatever host the URL names.
   */
  async openShipmentMergeRequest(mrUrl: string, opts: { requireOpen?: boolean } = {}): Promise<ShipmentMergeRequest> {
    let info: MergeRequestInfo;
    let projectPath: string;
    try {
      const ref = parseMergeRequestUrl(mrUrl);
      projectPath = ref.projectPath;
      info = await this.mergeRequest(ref.projectPath, ref.iid);
    } catch (e) {
      const why = describeError(e);
      throw new ShipmentMrError('opening the shipment merge request', `Failed to initialize merge request: ${why}`, e);
    }
    if ((opts.requireOpen ?? true) && info.state !== 'opened') throw new ShipmentMrNotOpenError(info);
    return new ShipmentMergeRequest(this, projectPath, info);
  }
}
