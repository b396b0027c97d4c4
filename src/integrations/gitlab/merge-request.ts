/**
 * One shipment merge request (the original's ShipmentData / GitLabMergeRequest): notes, approval,
 * labels, changed files, shipment YAML, pipelines and the stage/prod release checks.
 */
import { describeError } from '../../describe-error.ts';
import { z } from 'zod';
import { IntegrationError } from '../http.ts';
import type { Logger } from 'pino';
import { SYSTEM, type GitlabApi } from './transport.ts';
import { toMergeRequestInfo, type GitLabUser, type MergeRequestInfo } from './types.ts';
import { fixedJiraIssues, parseShipmentYaml, parseStageAdvisoryImages, stageAdvisoryUrl, type AdvisoryImage } from './shipment-yaml.ts';

export interface MrNote {
  id: number;
  body: string;
  author: string | undefined;
  createdAt: string | undefined;
  system: boolean;
}

export interface ApprovalResult {
  outcome: 'approved' | 'already-approved';
  username: string;
  /** The original's log line: `Successfully approved MR <iid>` / `User <u> has already approved MR <iid>`. */
  message: string;
}

export interface FileFailure {
  path: string;
  error: string;
}

export interface ReleaseCheck {
  success: boolean;
  /** How success was established (label, pipeline stage) or where the search ended. */
  via: 'label' | 'pipeline' | 'none';
  /** Stage status (created, pending, running, success, failed, canceled, skipped) or `not_found`. */
  status: string;
  pipelineId?: number;
  job?: { id: number; name: string; stage: string; status: string; webUrl: string | undefined };
  /** Lines the original logged at ERROR when the release had not succeeded. */
  errors: string[];
}

export interface PipelineSummary {
  id: number;
  projectId: number | undefined;
  status: string;
  createdAt: string | undefined;
  webUrl: string | undefined;
}

const NoteSchema = z.looseObject({
  id: z.number(),
  body: z.string(),
  system: z.boolean().nullish(),
  created_at: z.string().nullish(),
  author: z.looseObject({ username: z.string() }).nullish(),
});
const ApprovalsSchema = z.looseObject({ approved_by: z.array(z.looseObject({ user: z.looseObject({ username: z.string() }) })).nullish() });
const DiffSchema = z.looseObject({ new_path: z.string(), old_path: z.string().nullish(), deleted_file: z.boolean().nullish() });
const PipelineSchema = z.looseObject({ id: z.number(), project_id: z.number().nullish(), status: z.string(), created_at: z.string().nullish(), web_url: z.string().nullish() });
const JobSchema = z.looseObject({ id: z.number(), name: z.string(), stage: z.string(), status: z.string(), web_url: z.string().nullish() });

/** What a shipment MR (and the drop-bugs flow) calls on its GitLab client; GitLabClient implements it. */
export interface GitLabMrClient {
  readonly logger: Logger;
  run<T>(operation: string, fn: (api: GitlabApi) => Promise<T>): Promise<T>;
  mergeRequest(projectPath: string, iid: number): Promise<MergeRequestInfo>;
  findOpenMergeRequestByTitle(projectPath: string, title: string): Promise<MergeRequestInfo | undefined>;
  usernameByEmail(email: string): Promise<string>;
  currentUser(): Promise<GitLabUser>;
  /** An absolute URL a shipment file links to, as text, read without GitLab credentials. */
  readLinkedDocument(url: string, operation: string): Promise<string>;
}

export class ShipmentMergeRequest {
  readonly client: GitLabMrClient;
  readonly projectPath: string;
  private current: MergeRequestInfo;
  private readonly fileCache = new Map<string, Promise<string>>();

  constructor(client: GitLabMrClient, projectPath: string, info: MergeRequestInfo) {
    this.client = client;
    this.projectPath = projectPath;
    this.current = info;
  }

  get info(): MergeRequestInfo {
    return this.current;
  }
  get iid(): number {
    return this.current.iid;
  }
  get state(): string {
    return this.current.state;
  }
  get url(): string {
    return this.current.webUrl;
  }
  get labels(): readonly string[] {
    return this.current.labels;
  }
  get isOpen(): boolean {
    return this.current.state === 'opened';
  }
  get isMerged(): boolean {
    return this.current.state === 'merged';
  }

  /** Re-read the MR (state, labels, merge status). */
  async refresh(): Promise<MergeRequestInfo> {
    this.current = await this.client.mergeRequest(this.projectPath, this.iid);
    return this.current;
  }

  // --- notes ----------------------------------------------------------------------------------------

  async notes(): Promise<MrNote[]> {
    const raw = await this.client.run(`reading the notes of MR ${this.iid}`, (api) => api.MergeRequestNotes.all(this.projectPath, this.iid, { sort: 'asc', orderBy: 'created_at' }));
    return z
      .array(NoteSchema)
      .parse(raw)
      .map((n) => ({ id: n.id, body: n.body, author: n.author?.username, createdAt: n.created_at ?? undefined, system: n.system ?? false }));
  }

  async addNote(body: string): Promise<MrNote> {
    const raw = await this.client.run(`commenting on MR ${this.iid}`, (api) => api.MergeRequestNotes.create(this.projectPath, this.iid, body));
    const n = NoteSchema.parse(raw);
    return { id: n.id, body: n.body, author: n.author?.username, createdAt: n.created_at ?? undefined, system: false };
  }

  /** First non-system note equal to `body` (trimmed) or accepted by the predicate. */
  async findNote(match: string | ((note: MrNote) => boolean)): Promise<MrNote | undefined> {
    const test = typeof match === 'string' ? (n: MrNote) => n.body.trim() === match.trim() : match;
    return (await this.notes()).find((n) => !n.system && test(n));
  }

  /** Post `body` unless an equal note (or one `match` accepts) is already there. */
  async addNoteOnce(body: string, match?: (note: MrNote) => boolean): Promise<{ created: boolean; note: MrNote }> {
    const existing = await this.findNote(match ?? body);
    if (existing) return { created: false, note: existing };
    return { created: true, note: await this.addNote(body) };
  }

  /**
   * `QE Release Lead is @<username>` (take-ownership, Konflux). An unknown user is fatal
   * (`Failed to add QE release lead comments: No GitLab user found for email: <email>`); the
   * note is not posted twice for the same user.
   */
  async addQeReleaseLeadComment(email: string): Promise<{ username: string; created: boolean; note: MrNote }> {
    let username: string;
    try {
      username = await this.client.usernameByEmail(email);
    } catch (e) {
      const why = describeError(e);
      throw new IntegrationError({ system: SYSTEM, operation: 'adding the QE release lead comment', userMessage: `Failed to add QE release lead comments: ${why}`, cause: e, ...(e instanceof IntegrationError && e.status !== undefined ? { status: e.status } : {}) });
    }
    const { created, note } = await this.addNoteOnce(`QE Release Lead is @${username}`);
    return { username, created, note };
  }

  // --- approval (edge case 9) -------------------------------------------------------------------------

  async approve(): Promise<ApprovalResult> {
    const log = this.client.logger;
    if (this.current.state !== 'opened') {
      throw new IntegrationError({ system: SYSTEM, operation: `approving MR ${this.iid}`, userMessage: `Cannot approve MR in state: ${this.current.state}` });
    }
    let username: string;
    try {
      username = (await this.client.currentUser()).username;
    } catch (e) {
      throw new IntegrationError({ system: SYSTEM, operation: `approving MR ${this.iid}`, userMessage: 'Could not identify current user', cause: e });
    }
    if (!username) throw new IntegrationError({ system: SYSTEM, operation: `approving MR ${this.iid}`, userMessage: 'Could not identify current user' });
    try {
      const raw = await this.client.run(`reading the approvals of MR ${this.iid}`, (api) => api.MergeRequestApprovals.showConfiguration(this.projectPath, { mergerequestIId: this.iid }));
      const approvals = ApprovalsSchema.parse(raw);
      if ((approvals.approved_by ?? []).some((a) => a.user.username === username)) {
        const message = `User ${username} has already approved MR ${this.iid}`;
        log.info({ mr: this.iid, user: username }, message);
        return { outcome: 'already-approved', username, message };
      }
      await this.client.run(`approving MR ${this.iid}`, (api) => api.MergeRequestApprovals.approve(this.projectPath, this.iid));
    } catch (e) {
      log.error({ mr: this.iid, err: e }, `Failed to approve MR ${this.iid}: GitLab API error`);
      const why = describeError(e);
      throw new IntegrationError({
        system: SYSTEM,
        operation: `approving MR ${this.iid}`,
        userMessage: `Failed to approve merge request due to GitLab error: ${why}`,
        cause: e,
        ...(e instanceof IntegrationError && e.status !== undefined ? { status: e.status } : {}),
      });
    }
    const message = `Successfully approved MR ${this.iid}`;
    log.info({ mr: this.iid, user: username }, message);
    return { outcome: 'approved', username, message };
  }

  // --- labels -------------------------------------------------------------------------------------------

  /** `PUT .../merge_requests/:iid` with `add_labels`. */
  async addLabels(labels: readonly string[]): Promise<string[]> {
    const raw = await this.client.run(`labelling MR ${this.iid}`, (api) => api.MergeRequests.edit(this.projectPath, this.iid, { addLabels: labels.join(',') }));
    this.current = toMergeRequestInfo(raw, `labelling MR ${this.iid}`);
    return this.current.labels;
  }

  async removeLabels(labels: readonly string[]): Promise<string[]> {
    const raw = await this.client.run(`removing labels from MR ${this.iid}`, (api) => api.MergeRequests.edit(this.projectPath, this.iid, { removeLabels: labels.join(',') }));
    this.current = toMergeRequestInfo(raw, `removing labels from MR ${this.iid}`);
    return this.current.labels;
  }

  // --- files ----------------------------------------------------------------------------------------------

  /**
   * Paths changed by the MR (`/diffs`, all pages; deleted files excluded). Extensions are matched
   * case-insensitively; the default is `.yaml` only, `null` returns every file.
   */
  async changedFiles(opts: { extensions?: readonly string[] | null } = {}): Promise<string[]> {
    const raw = await this.client.run(`listing the files changed by MR ${this.iid}`, (api) => api.MergeRequests.allDiffs(this.projectPath, this.iid, { perPage: 100 }));
    const exts = opts.extensions === undefined ? ['.yaml'] : opts.extensions;
    return z
      .array(DiffSchema)
      .parse(raw)
      .filter((d) => !d.deleted_file)
      .map((d) => d.new_path)
      .filter((p) => exts === null || exts.some((x) => p.toLowerCase().endsWith(x.toLowerCase())));
  }

  /** A file at the MR's source branch (source project), cached per path and ref. */
  readFile(path: string, ref: string = this.current.sourceBranch, projectId: number | string = this.current.sourceProjectId): Promise<string> {
    const key = `${projectId}\0${ref}\0${path}`;
    let cached = this.fileCache.get(key);
    if (!cached) {
      cached = this.client
        .run(`reading ${path} at ${ref}`, (api) => api.RepositoryFiles.showRaw(projectId, path, ref))
        .then(async (body) => (typeof body === 'string' ? body : body instanceof Blob ? body.text() : String(body)));
      cached.catch(() => this.fileCache.delete(key));
      this.fileCache.set(key, cached);
    }
    return cached;
  }

  /**
   * Jira keys fixed by the shipment YAML files: sorted, unique, exact keys. A file that cannot be
   * read or parsed is reported in `failures` and the others are still read (fixes defect 15).
   */
  async jiraIssues(): Promise<{ keys: string[]; failures: FileFailure[] }> {
    const keys = new Set<string>();
    const failures: FileFailure[] = [];
    for (const path of await this.changedFiles()) {
      try {
        for (const key of fixedJiraIssues(parseShipmentYaml(await this.readFile(path), path))) keys.add(key);
      } catch (e) {
        const error = describeError(e);
        failures.push({ path, error });
        this.client.logger.warn({ mr: this.iid, path }, `Skipping shipment file ${path}: ${error}`);
      }
    }
    return { keys: [...keys].sort(), failures };
  }

  /** `internal_url` of every changed non-FBC shipment file (image-health input). */
  async stageAdvisoryUrls(): Promise<{ urls: { path: string; url: string }[]; failures: FileFailure[] }> {
    const urls: { path: string; url: string }[] = [];
    const failures: FileFailure[] = [];
    for (const path of await this.changedFiles()) {
      if (path.toLowerCase().includes('.fbc.')) continue;
      try {
        const url = stageAdvisoryUrl(parseShipmentYaml(await this.readFile(path), path));
        if (url) urls.push({ path, url });
        else failures.push({ path, error: 'no shipment.environments.stage.advisory.internal_url' });
      } catch (e) {
        failures.push({ path, error: describeError(e) });
      }
    }
    return { urls, failures };
  }

  /** The images of one stage advisory (a `stageAdvisoryUrls()` URL): read without auth, then parsed. */
  async stageAdvisoryImages(url: string): Promise<AdvisoryImage[]> {
    return parseStageAdvisoryImages(await this.client.readLinkedDocument(url, `reading advisory ${url}`), url);
  }

  // --- pipelines and release checks ---------------------------------------------------------------------

  /** The MR's pipelines, newest first. */
  async pipelines(): Promise<PipelineSummary[]> {
    const raw = await this.client.run(`listing the pipelines of MR ${this.iid}`, (api) => api.MergeRequests.allPipelines(this.projectPath, this.iid));
    return z
      .array(PipelineSchema)
      .parse(raw)
      .map((p) => ({ id: p.id, projectId: p.project_id ?? undefined, status: p.status, createdAt: p.created_at ?? undefined, webUrl: p.web_url ?? undefined }))
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id - a.id);
  }

  /** First job, then bridge, of `stage` in a pipeline; `not_found` when the stage has none. */
  async stageJob(pipeline: PipelineSummary, stage: string): Promise<ReleaseCheck['job'] | undefined> {
    const project = pipeline.projectId ?? this.current.projectId;
    const jobs = await this.client.run(`listing the jobs of pipeline ${pipeline.id}`, (api) => api.Jobs.all(project, { pipelineId: pipeline.id, perPage: 100 }));
    const bridges = await this.client.run(`listing the bridges of pipeline ${pipeline.id}`, (api) => api.Jobs.allPipelineBridges(project, pipeline.id));
    const all = [...z.array(JobSchema).parse(jobs), ...z.array(JobSchema).parse(bridges)];
    const job = all.find((j) => j.stage === stage);
    return job ? { id: job.id, name: job.name, stage: job.stage, status: job.status, webUrl: job.web_url ?? undefined } : undefined;
  }

  /**
   * Stage (or prod) release success: label `<kind>-release-success`, else the newest pipeline's
   * `<kind>-release-triggers` stage is `success`. A missing stage is reported as `not_found`
   * instead of crashing (defect 20).
   */
  async releaseCheck(kind: 'stage' | 'prod', opts: { refresh?: boolean } = {}): Promise<ReleaseCheck> {
    // refresh false: the caller has just read the MR (labels are as read).
    if (opts.refresh ?? true) await this.refresh();
    const label = `${kind}-release-success`;
    const stage = `${kind}-release-triggers`;
    if (this.current.labels.includes(label)) return { success: true, via: 'label', status: 'success', errors: [] };
    const Kind = kind === 'stage' ? 'Stage' : 'Prod';
    const latest = (await this.pipelines())[0];
    if (!latest) return { success: false, via: 'none', status: 'not_found', errors: [`${Kind} release failed with status not_found`, `No pipeline found for MR ${this.iid}`] };
    const job = await this.stageJob(latest, stage);
    if (!job) {
      return { success: false, via: 'none', status: 'not_found', pipelineId: latest.id, errors: [`${Kind} release failed with status not_found`, `Job details: no ${stage} job in pipeline ${latest.id}`] };
    }
    if (job.status === 'success') return { success: true, via: 'pipeline', status: 'success', pipelineId: latest.id, job, errors: [] };
    return { success: false, via: 'pipeline', status: job.status, pipelineId: latest.id, job, errors: [`${Kind} release failed with status ${job.status}`, `Job details: ${JSON.stringify(job)}`] };
  }

  isStageReleaseSuccess(): Promise<ReleaseCheck> {
    return this.releaseCheck('stage');
  }

  isProdReleaseSuccess(opts: { refresh?: boolean } = {}): Promise<ReleaseCheck> {
    return this.releaseCheck('prod', opts);
  }
}
