/**
 * Simulated Jenkins: CSRF crumb issuer, parameterised builds that go through the queue, queue
 * items that turn into builds after a scripted number of reads, and builds that finish after a
 * scripted number of reads. Basic auth is checked when credentials are configured.
 */
import { SimHttpError, SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimBuild {
  job: string;
  number: number;
  parameters: Record<string, string>;
  /** Reads left before the build finishes with `result`. */
  readsLeft: number;
  result: string;
  finished: boolean;
}

export interface SimQueueItem {
  id: number;
  job: string;
  parameters: Record<string, string>;
  /** Reads left before the item gets a build; Infinity keeps it queued. */
  readsLeft: number;
  blocked: boolean;
  build?: SimBuild;
}

export interface JenkinsSimulatorOptions {
  port?: number;
  user?: string;
  token?: string;
  /** Require a crumb on POST (default true). */
  csrf?: boolean;
  /** Queue reads before a build starts (default 1). */
  queueReadsBeforeStart?: number;
  /** Build reads before it finishes (default 2). */
  buildReadsBeforeFinish?: number;
  /** Result of finished builds (default SUCCESS). */
  buildResult?: string;
}

const CRUMB = 'sim-crumb-4f1c2';

/** `job/zstreams/job/Stage-Pipeline` → `zstreams/Stage-Pipeline` */
function jobName(jobPath: string): string {
  const parts = jobPath.split('/').filter(Boolean);
  const names: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i] !== 'job' || parts[i + 1] === undefined) throw new SimHttpError(404, 'Not Found');
    names.push(decodeURIComponent(parts[i + 1]!));
  }
  return names.join('/');
}

export class JenkinsSimulator extends Simulator {
  readonly server: SimServer;
  readonly queue: SimQueueItem[] = [];
  readonly builds: SimBuild[] = [];
  private readonly opts: JenkinsSimulatorOptions;
  private nextQueueId = 400;
  private blocked = false;

  constructor(opts: JenkinsSimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.server = new SimServer({
      name: 'Jenkins',
      before: (req) => this.authenticate(req),
      routes: [
        { method: 'GET', pattern: '/crumbIssuer/api/json', handler: () => this.crumb() },
        { method: 'GET', pattern: '/queue/api/json', handler: () => this.queueJson() },
        { method: 'GET', pattern: '/queue/item/:id/api/json', handler: (r) => this.queueItem(r) },
        { method: 'POST', pattern: '/*jobpath/buildWithParameters', handler: (r) => this.trigger(r) },
        { method: 'GET', pattern: '/*jobpath/:number/api/json', handler: (r) => this.build(r) },
      ],
    });
  }


  /** A build that already exists (for status-mode tests). */
  seedBuild(b: { job: string; number: number; parameters?: Record<string, string>; result?: string; finished?: boolean; readsLeft?: number }): SimBuild {
    const build: SimBuild = { parameters: {}, result: 'SUCCESS', finished: true, readsLeft: 0, ...b };
    this.builds.push(build);
    return build;
  }

  /** Keep the next queue items blocked (true) or let them run. */
  blockQueue(blocked: boolean): void {
    for (const item of this.queue) if (!item.build) item.blocked = blocked;
    this.blocked = blocked;
  }

  private authenticate(req: SimRequest): SimResponse | undefined {
    if (!this.opts.user) return undefined;
    const expected = `Basic ${Buffer.from(`${this.opts.user}:${this.opts.token ?? ''}`).toString('base64')}`;
    return req.headers.authorization === expected ? undefined : { status: 401, text: 'Authentication required', headers: { 'www-authenticate': 'Basic realm="Jenkins"' } };
  }

  private crumb(): SimResponse {
    if (this.opts.csrf === false) return { status: 404, text: 'Not Found' };
    return { json: { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: CRUMB, crumbRequestField: 'Jenkins-Crumb' } };
  }

  private jobUrl(job: string): string {
    return `${this.url}/${job.split('/').map((p) => `job/${encodeURIComponent(p)}`).join('/')}/`;
  }

  private trigger(req: SimRequest): SimResponse {
    if (this.opts.csrf !== false && req.headers['jenkins-crumb'] !== CRUMB) {
      return { status: 403, text: '<html><body>Error 403 No valid crumb was included in the request</body></html>', headers: { 'content-type': 'text/html' } };
    }
    const job = jobName(req.params.jobpath ?? '');
    const parameters: Record<string, string> = {};
    if (req.body && typeof req.body === 'object') for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) parameters[k] = Array.isArray(v) ? String(v[0]) : String(v);
    for (const [k, v] of req.query) parameters[k] = v;
    const item: SimQueueItem = { id: ++this.nextQueueId, job, parameters, readsLeft: this.opts.queueReadsBeforeStart ?? 1, blocked: this.blocked };
    this.queue.push(item);
    this.server.record('build-queued', job, { queueId: item.id, parameters });
    return { status: 201, headers: { location: `${this.url}/queue/item/${item.id}/` } };
  }

  private itemJson(item: SimQueueItem): Record<string, unknown> {
    return {
      _class: item.build ? 'hudson.model.Queue$LeftItem' : item.blocked ? 'hudson.model.Queue$BlockedItem' : 'hudson.model.Queue$WaitingItem',
      id: item.id,
      blocked: item.blocked && !item.build,
      buildable: !item.blocked && !item.build,
      cancelled: false,
      why: item.build ? null : item.blocked ? 'Build #12 is already in progress' : 'In the quiet period.',
      task: { _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob', name: item.job.split('/').at(-1), url: this.jobUrl(item.job) },
      executable: item.build ? { _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun', number: item.build.number, url: `${this.jobUrl(item.job)}${item.build.number}/` } : null,
    };
  }

  private queueJson(): SimResponse {
    return { json: { _class: 'hudson.model.Queue', items: this.queue.filter((i) => !i.build).map((i) => this.itemJson(i)) } };
  }

  private queueItem(req: SimRequest): SimResponse {
    const item = this.queue.find((i) => i.id === Number(req.params.id));
    if (!item) throw new SimHttpError(404, 'Not Found');
    if (!item.build && !item.blocked) {
      item.readsLeft -= 1;
      if (item.readsLeft <= 0) {
        const number = Math.max(0, ...this.builds.filter((b) => b.job === item.job).map((b) => b.number)) + 1;
        item.build = { job: item.job, number, parameters: item.parameters, readsLeft: this.opts.buildReadsBeforeFinish ?? 2, result: this.opts.buildResult ?? 'SUCCESS', finished: false };
        this.builds.push(item.build);
        this.server.record('build-started', item.job, { queueId: item.id, number });
      }
    }
    return { json: this.itemJson(item) };
  }

  private build(req: SimRequest): SimResponse {
    const job = jobName(req.params.jobpath ?? '');
    const build = this.builds.find((b) => b.job === job && b.number === Number(req.params.number));
    if (!build) throw new SimHttpError(404, 'Not Found');
    if (!build.finished) {
      build.readsLeft -= 1;
      if (build.readsLeft <= 0) {
        build.finished = true;
        this.server.record('build-finished', job, { number: build.number, result: build.result });
      }
    }
    return {
      json: {
        _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
        number: build.number,
        url: `${this.jobUrl(job)}${build.number}/`,
        building: !build.finished,
        inProgress: !build.finished,
        result: build.finished ? build.result : null,
        actions: [
          { _class: 'hudson.model.CauseAction', causes: [{ shortDescription: 'Started by user oar-bot' }] },
          {
            _class: 'hudson.model.ParametersAction',
            parameters: Object.entries(build.parameters).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })),
          },
        ],
      },
    };
  }
}

export async function startJenkinsSimulator(opts: JenkinsSimulatorOptions = {}): Promise<JenkinsSimulator> {
  const sim = new JenkinsSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
