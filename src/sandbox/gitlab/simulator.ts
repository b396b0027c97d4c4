/**
 * Simulated GitLab (API v4): the part of the REST API @gitbeaker calls for the shipment flow —
 * merge requests, notes, approvals, labels, diffs, raw files, commits with actions, MR creation,
 * user search, pipelines with jobs and bridges. In memory, behind real HTTP.
 */
import { SimHttpError, SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

export interface SimProject {
  id: number;
  path: string;
  /** branch → path → content */
  branches: Map<string, Map<string, string>>;
}

export interface SimNote {
  id: number;
  body: string;
  author: string;
  createdAt: string;
  system: boolean;
}

export interface SimJob {
  id: number;
  name: string;
  stage: string;
  status: string;
}

export interface SimPipeline {
  id: number;
  projectId: number;
  status: string;
  createdAt: string;
  jobs: SimJob[];
  bridges: SimJob[];
}

export interface SimMergeRequest {
  id: number;
  iid: number;
  /** Target project. */
  projectId: number;
  sourceProjectId: number;
  title: string;
  description: string;
  state: 'opened' | 'merged' | 'closed' | 'locked';
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  notes: SimNote[];
  approvedBy: string[];
  /** Paths shown by /diffs; defaults to the files that differ between source and target branch. */
  changedFiles: string[] | undefined;
  pipelineIds: number[];
  mergeStatus: string;
  /** Reads left before a fresh MR turns from `checking` into `can_be_merged`. */
  checksLeft: number;
  squash: boolean;
  mergeWhenPipelineSucceeds: boolean;
}

export interface GitLabSimulatorOptions {
  port?: number;
  /** Expected PRIVATE-TOKEN; unset: any token (or none) is accepted. */
  token?: string;
  /** Username the token belongs to (GET /user). */
  currentUser?: string;
  /** How many reads a newly created MR stays `checking` before it is `can_be_merged`. */
  mergeableAfterReads?: number;
}

export class GitLabSimulator extends Simulator {
  readonly server: SimServer;
  readonly users: SimUser[] = [];
  readonly projects = new Map<number, SimProject>();
  readonly mergeRequests: SimMergeRequest[] = [];
  readonly pipelines = new Map<number, SimPipeline>();
  currentUser: string;
  private readonly opts: GitLabSimulatorOptions;
  private ids = { user: 100, project: 1000, mr: 5000, note: 9000, pipeline: 70_000, job: 800_000, commit: 1 };

  constructor(opts: GitLabSimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.currentUser = opts.currentUser ?? 'oar-bot';
    const p = '/api/v4/projects/:id';
    const mr = `${p}/merge_requests/:iid`;
    this.server = new SimServer({
      name: 'GitLab',
      before: (req) => this.authenticate(req),
      routes: [
        { method: 'GET', pattern: '/api/v4/user', handler: () => ({ json: this.userJson(this.user(this.currentUser)) }) },
        { method: 'GET', pattern: '/api/v4/users', handler: (r) => this.searchUsers(r) },
        { method: 'GET', pattern: p, handler: (r) => ({ json: this.projectJson(this.project(r)) }) },
        { method: 'GET', pattern: `${p}/merge_requests`, handler: (r) => this.listMrs(r) },
        { method: 'POST', pattern: `${p}/merge_requests`, handler: (r) => this.createMr(r) },
        { method: 'GET', pattern: mr, handler: (r) => this.showMr(r) },
        { method: 'PUT', pattern: mr, handler: (r) => this.editMr(r) },
        { method: 'GET', pattern: `${mr}/notes`, handler: (r) => ({ json: this.mr(r).notes.map((n) => this.noteJson(n)) }) },
        { method: 'POST', pattern: `${mr}/notes`, handler: (r) => this.addNote(r) },
        { method: 'GET', pattern: `${mr}/approvals`, handler: (r) => this.approvals(r) },
        { method: 'POST', pattern: `${mr}/approve`, handler: (r) => this.approve(r) },
        { method: 'GET', pattern: `${mr}/diffs`, handler: (r) => ({ json: this.diffs(this.mr(r)) }) },
        { method: 'GET', pattern: `${mr}/changes`, handler: (r) => ({ json: { ...this.mrJson(this.mr(r)), changes: this.diffs(this.mr(r)) } }) },
        { method: 'GET', pattern: `${mr}/pipelines`, handler: (r) => this.mrPipelines(r) },
        { method: 'PUT', pattern: `${mr}/merge`, handler: (r) => this.merge(r) },
        { method: 'GET', pattern: `${p}/pipelines/:pid`, handler: (r) => ({ json: this.pipelineJson(this.pipeline(r)) }) },
        { method: 'GET', pattern: `${p}/pipelines/:pid/jobs`, handler: (r) => ({ json: this.pipeline(r).jobs.map((j) => this.jobJson(j, r)) }) },
        { method: 'GET', pattern: `${p}/pipelines/:pid/bridges`, handler: (r) => ({ json: this.pipeline(r).bridges.map((j) => this.jobJson(j, r)) }) },
        { method: 'GET', pattern: `${p}/repository/files/:path/raw`, handler: (r) => ({ text: this.file(r) }) },
        { method: 'GET', pattern: `${p}/repository/files/:path`, handler: (r) => this.fileJson(r) },
        { method: 'POST', pattern: `${p}/repository/commits`, handler: (r) => this.commit(r) },
      ],
    });
  }


  // --- seeding ------------------------------------------------------------------------------------------

  seedUser(u: Partial<SimUser> & { username: string }): SimUser {
    const user = { id: ++this.ids.user, name: u.username, email: `${u.username}@redhat.com`, ...u };
    this.users.push(user);
    return user;
  }

  /** A project with branches of files: `{ main: { 'path.yaml': 'text' } }`. */
  seedProject(path: string, branches: Record<string, Record<string, string>> = {}): SimProject {
    const project: SimProject = { id: ++this.ids.project, path, branches: new Map() };
    for (const [b, files] of Object.entries(branches)) project.branches.set(b, new Map(Object.entries(files)));
    this.projects.set(project.id, project);
    return project;
  }

  seedMergeRequest(m: Partial<SimMergeRequest> & { project: string; title: string; sourceBranch: string }): SimMergeRequest {
    const project = this.projectByPath(m.project);
    if (!project) throw new Error(`seed the project ${m.project} first`);
    const iid = m.iid ?? this.mergeRequests.filter((x) => x.projectId === project.id).length + 1;
    const mr: SimMergeRequest = {
      id: ++this.ids.mr,
      iid,
      projectId: project.id,
      sourceProjectId: project.id,
      description: '',
      state: 'opened',
      targetBranch: 'main',
      labels: [],
      notes: [],
      approvedBy: [],
      changedFiles: undefined,
      pipelineIds: [],
      mergeStatus: 'can_be_merged',
      checksLeft: 0,
      squash: false,
      mergeWhenPipelineSucceeds: false,
      ...m,
    };
    this.mergeRequests.push(mr);
    return mr;
  }

  /** A pipeline for an MR with jobs/bridges per stage: `{ 'stage-release-triggers': 'success' }`. */
  seedPipeline(mr: SimMergeRequest, stages: { jobs?: Record<string, string>; bridges?: Record<string, string>; status?: string; createdAt?: string }): SimPipeline {
    const mk = (rec: Record<string, string> | undefined) =>
      Object.entries(rec ?? {}).map(([stage, status]) => ({ id: ++this.ids.job, name: `${stage}-job`, stage, status }));
    const pipeline: SimPipeline = {
      id: ++this.ids.pipeline,
      projectId: mr.projectId,
      status: stages.status ?? 'success',
      createdAt: stages.createdAt ?? new Date(Date.UTC(2026, 0, 1) + this.ids.pipeline * 1000).toISOString(),
      jobs: mk(stages.jobs),
      bridges: mk(stages.bridges),
    };
    this.pipelines.set(pipeline.id, pipeline);
    mr.pipelineIds.push(pipeline.id);
    return pipeline;
  }

  projectByPath(path: string): SimProject | undefined {
    return [...this.projects.values()].find((p) => p.path === path);
  }

  fileAt(projectPath: string, branch: string, path: string): string | undefined {
    return this.projectByPath(projectPath)?.branches.get(branch)?.get(path);
  }

  // --- helpers -------------------------------------------------------------------------------------------

  private authenticate(req: SimRequest): SimResponse | undefined {
    if (!this.opts.token) return undefined;
    const token = req.headers['private-token'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return token === this.opts.token ? undefined : { status: 401, json: { message: '401 Unauthorized' } };
  }

  private user(username: string): SimUser {
    return this.users.find((u) => u.username === username) ?? this.seedUser({ username });
  }

  private userJson(u: SimUser): Record<string, unknown> {
    return { id: u.id, username: u.username, name: u.name, state: 'active', web_url: `${this.url}/${u.username}` };
  }

  private searchUsers(req: SimRequest): SimResponse {
    const q = (req.query.get('search') ?? '').toLowerCase();
    const found = this.users.filter((u) => u.email.toLowerCase() === q || u.username.toLowerCase().includes(q) || u.name.toLowerCase().includes(q));
    return { json: found.map((u) => this.userJson(u)) };
  }

  private project(req: SimRequest): SimProject {
    const id = req.params.id ?? '';
    const project = /^\d+$/.test(id) ? this.projects.get(Number(id)) : this.projectByPath(id);
    if (!project) throw new SimHttpError(404, { message: '404 Project Not Found' });
    return project;
  }

  private projectJson(p: SimProject): Record<string, unknown> {
    return { id: p.id, path_with_namespace: p.path, name: p.path.split('/').at(-1), web_url: `${this.url}/${p.path}`, default_branch: 'main' };
  }

  private mr(req: SimRequest): SimMergeRequest {
    const project = this.project(req);
    const mr = this.mergeRequests.find((m) => m.projectId === project.id && m.iid === Number(req.params.iid));
    if (!mr) throw new SimHttpError(404, { message: '404 Not found' });
    return mr;
  }

  private mrJson(mr: SimMergeRequest): Record<string, unknown> {
    const project = this.projects.get(mr.projectId)!;
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: mr.projectId,
      source_project_id: mr.sourceProjectId,
      target_project_id: mr.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      labels: mr.labels,
      merge_status: mr.mergeStatus,
      detailed_merge_status: mr.mergeStatus === 'can_be_merged' ? 'mergeable' : mr.mergeStatus,
      squash: mr.squash,
      merge_when_pipeline_succeeds: mr.mergeWhenPipelineSucceeds,
      sha: `sha-${mr.id}`,
      web_url: `${this.url}/${project.path}/-/merge_requests/${mr.iid}`,
      author: this.userJson(this.user(this.currentUser)),
    };
  }

  private showMr(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    if (mr.mergeStatus === 'checking') {
      mr.checksLeft -= 1;
      if (mr.checksLeft <= 0) mr.mergeStatus = 'can_be_merged';
    }
    return { json: this.mrJson(mr) };
  }

  private listMrs(req: SimRequest): SimResponse {
    const project = this.project(req);
    const state = req.query.get('state');
    const search = (req.query.get('search') ?? '').toLowerCase();
    const found = this.mergeRequests.filter(
      (m) => m.projectId === project.id && (!state || state === 'all' || m.state === state) && (!search || m.title.toLowerCase().includes(search)),
    );
    return { json: found.map((m) => this.mrJson(m)) };
  }

  private body(req: SimRequest): Record<string, unknown> {
    return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  }

  private createMr(req: SimRequest): SimResponse {
    const source = this.project(req);
    const b = this.body(req);
    const targetId = typeof b.target_project_id === 'number' ? b.target_project_id : Number(b.target_project_id ?? source.id);
    const target = this.projects.get(targetId);
    if (!target) throw new SimHttpError(404, { message: '404 Target Project Not Found' });
    const sourceBranch = String(b.source_branch ?? '');
    const targetBranch = String(b.target_branch ?? '');
    if (!source.branches.has(sourceBranch)) throw new SimHttpError(400, { message: [`Source branch ${sourceBranch} does not exist`] });
    if (!target.branches.has(targetBranch)) throw new SimHttpError(400, { message: [`Target branch ${targetBranch} does not exist`] });
    if (this.mergeRequests.some((m) => m.sourceProjectId === source.id && m.sourceBranch === sourceBranch && m.state === 'opened')) {
      throw new SimHttpError(409, { message: ['Another open merge request already exists for this source branch'] });
    }
    const mr = this.seedMergeRequest({
      project: target.path,
      sourceProjectId: source.id,
      title: String(b.title ?? ''),
      description: String(b.description ?? ''),
      sourceBranch,
      targetBranch,
      squash: b.squash === true,
      mergeStatus: 'checking',
      checksLeft: this.opts.mergeableAfterReads ?? 1,
      labels: typeof b.labels === 'string' ? b.labels.split(',').filter(Boolean) : [],
    });
    this.server.record('merge-request-created', `${target.path}!${mr.iid}`, { title: mr.title, sourceProject: source.path, sourceBranch, targetBranch, squash: mr.squash });
    return { status: 201, json: this.mrJson(mr) };
  }

  private editMr(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    const b = this.body(req);
    const split = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v.map(String) : []);
    const before = [...mr.labels];
    if (b.labels !== undefined) mr.labels = split(b.labels);
    for (const l of split(b.add_labels)) if (!mr.labels.includes(l)) mr.labels.push(l);
    const remove = split(b.remove_labels);
    mr.labels = mr.labels.filter((l) => !remove.includes(l));
    if (typeof b.state_event === 'string') mr.state = b.state_event === 'close' ? 'closed' : b.state_event === 'reopen' ? 'opened' : mr.state;
    this.server.record('merge-request-updated', `!${mr.iid}`, { labelsBefore: before, labels: mr.labels, state: mr.state });
    return { json: this.mrJson(mr) };
  }

  private noteJson(n: SimNote): Record<string, unknown> {
    return { id: n.id, body: n.body, system: n.system, created_at: n.createdAt, author: this.userJson(this.user(n.author)), noteable_type: 'MergeRequest' };
  }

  private addNote(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    const body = String(this.body(req).body ?? '');
    if (!body) throw new SimHttpError(400, { message: { note: ["can't be blank"] } });
    const note: SimNote = { id: ++this.ids.note, body, author: this.currentUser, createdAt: new Date().toISOString(), system: false };
    mr.notes.push(note);
    this.server.record('note-added', `!${mr.iid}`, { body, author: this.currentUser });
    return { status: 201, json: this.noteJson(note) };
  }

  private approvals(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    return {
      json: {
        id: mr.id,
        iid: mr.iid,
        project_id: mr.projectId,
        state: mr.state,
        approved: mr.approvedBy.length > 0,
        approvals_required: 1,
        approvals_left: Math.max(0, 1 - mr.approvedBy.length),
        approved_by: mr.approvedBy.map((u) => ({ user: this.userJson(this.user(u)) })),
      },
    };
  }

  private approve(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    if (mr.state !== 'opened') throw new SimHttpError(405, { message: '405 Method Not Allowed' });
    if (mr.approvedBy.includes(this.currentUser)) throw new SimHttpError(401, { message: '401 Unauthorized' });
    mr.approvedBy.push(this.currentUser);
    this.server.record('merge-request-approved', `!${mr.iid}`, { user: this.currentUser });
    return { status: 201, json: this.approvals(req).json };
  }

  private diffs(mr: SimMergeRequest): Record<string, unknown>[] {
    const source = this.projects.get(mr.sourceProjectId)!.branches.get(mr.sourceBranch) ?? new Map<string, string>();
    const target = this.projects.get(mr.projectId)!.branches.get(mr.targetBranch) ?? new Map<string, string>();
    const paths = mr.changedFiles ?? [...new Set([...source.keys(), ...target.keys()])].filter((p) => source.get(p) !== target.get(p));
    return paths.map((p) => ({
      old_path: p,
      new_path: p,
      new_file: !target.has(p),
      renamed_file: false,
      deleted_file: !source.has(p),
      a_mode: '100644',
      b_mode: '100644',
      diff: `@@ -1 +1 @@\n`,
    }));
  }

  private mrPipelines(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    return {
      json: mr.pipelineIds
        .map((id) => this.pipelines.get(id)!)
        .sort((a, b) => b.id - a.id)
        .map((pl) => ({ id: pl.id, iid: pl.id - 60_000, project_id: pl.projectId, sha: `sha-${mr.id}`, ref: `refs/merge-requests/${mr.iid}/head`, status: pl.status, created_at: pl.createdAt, web_url: `${this.url}/-/pipelines/${pl.id}` })),
    };
  }

  private pipeline(req: SimRequest): SimPipeline {
    const pl = this.pipelines.get(Number(req.params.pid));
    if (!pl) throw new SimHttpError(404, { message: '404 Not found' });
    return pl;
  }

  private pipelineJson(pl: SimPipeline): Record<string, unknown> {
    return { id: pl.id, project_id: pl.projectId, status: pl.status, created_at: pl.createdAt, web_url: `${this.url}/-/pipelines/${pl.id}` };
  }

  private jobJson(j: SimJob, req: SimRequest): Record<string, unknown> {
    return { id: j.id, name: j.name, stage: j.stage, status: j.status, web_url: `${this.url}/-/jobs/${j.id}`, pipeline: { id: Number(req.params.pid) } };
  }

  private merge(req: SimRequest): SimResponse {
    const mr = this.mr(req);
    if (mr.state !== 'opened') throw new SimHttpError(405, { message: '405 Method Not Allowed' });
    if (mr.mergeStatus !== 'can_be_merged') throw new SimHttpError(422, { message: 'Branch cannot be merged' });
    const b = this.body(req);
    if (b.merge_when_pipeline_succeeds === true || b.auto_merge === true) {
      mr.mergeWhenPipelineSucceeds = true;
      this.server.record('auto-merge-set', `!${mr.iid}`, { squash: b.squash === true });
    } else {
      mr.state = 'merged';
      this.server.record('merge-request-merged', `!${mr.iid}`, {});
    }
    return { json: this.mrJson(mr) };
  }

  private file(req: SimRequest): string {
    const project = this.project(req);
    const ref = req.query.get('ref') ?? 'main';
    const content = project.branches.get(ref)?.get(req.params.path ?? '');
    if (content === undefined) throw new SimHttpError(404, { message: '404 File Not Found' });
    return content;
  }

  private fileJson(req: SimRequest): SimResponse {
    const content = this.file(req);
    return { json: { file_path: req.params.path, ref: req.query.get('ref'), encoding: 'base64', content: Buffer.from(content).toString('base64'), size: content.length } };
  }

  private commit(req: SimRequest): SimResponse {
    const project = this.project(req);
    const b = this.body(req);
    const branch = String(b.branch ?? '');
    if (!branch) throw new SimHttpError(400, { error: 'branch is missing' });
    let files = project.branches.get(branch);
    if (!files) {
      const startBranch = typeof b.start_branch === 'string' ? b.start_branch : undefined;
      if (!startBranch) throw new SimHttpError(400, { message: 'You can only create or edit files when you are on a branch' });
      const startProjectId = b.start_project === undefined ? project.id : Number(b.start_project);
      const startProject = /^\d+$/.test(String(b.start_project ?? project.id)) ? this.projects.get(startProjectId) : this.projectByPath(String(b.start_project));
      const start = startProject?.branches.get(startBranch);
      if (!start) throw new SimHttpError(400, { message: `You can only create or edit files when you are on a branch (${startBranch} not found)` });
      files = new Map(start);
      project.branches.set(branch, files);
      this.server.record('branch-created', `${project.path}:${branch}`, { from: `${startProject!.path}:${startBranch}` });
    }
    const actions = Array.isArray(b.actions) ? (b.actions as Record<string, unknown>[]) : [];
    if (actions.length === 0) throw new SimHttpError(400, { error: 'actions is missing' });
    const touched: string[] = [];
    for (const a of actions) {
      const path = String(a.file_path ?? '');
      if (a.action === 'update' && !files.has(path)) throw new SimHttpError(400, { message: `A file with this name doesn't exist: ${path}` });
      if (a.action === 'create' && files.has(path)) throw new SimHttpError(400, { message: `A file with this name already exists: ${path}` });
      if (a.action === 'delete') files.delete(path);
      else files.set(path, String(a.content ?? ''));
      touched.push(`${String(a.action)} ${path}`);
    }
    const id = `commit${String(++this.ids.commit).padStart(6, '0')}`;
    this.server.record('commit', `${project.path}:${branch}`, { id, message: b.commit_message, actions: touched });
    return { status: 201, json: { id, short_id: id.slice(0, 8), title: b.commit_message, message: b.commit_message, web_url: `${this.url}/${project.path}/-/commit/${id}` } };
  }
}

export async function startGitLabSimulator(opts: GitLabSimulatorOptions = {}): Promise<GitLabSimulator> {
  const sim = new GitLabSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
