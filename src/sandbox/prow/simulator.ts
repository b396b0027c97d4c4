/**
 * Simulated Gangway + Prow: job executions are created by `POST /v1/executions/<job>` (bearer
 * token checked) and their ProwJob record (YAML at `/prowjob?prowjob=<id>`) walks through a
 * scripted list of states, one step per read; the job URL appears once it leaves `triggered`.
 */
import { dump } from 'js-yaml';
import { randomUUID } from 'node:crypto';
import { SimHttpError, SimServer, Simulator, type SimRequest, type SimResponse } from '../errata/sim-kit.ts';

export interface SimProwJob {
  id: string;
  job: string;
  envs: Record<string, string>;
  /** Remaining states; the head is the current one. */
  script: string[];
  state: string;
  url: string | undefined;
  buildId: string;
  startTime: string;
  completionTime: string | undefined;
}

export interface ProwSimulatorOptions {
  port?: number;
  /** Expected Gangway bearer token; unset: any token is accepted (a missing one is still 403). */
  token?: string;
  /** Job names Gangway knows; unset: every name. Unknown names answer 500, as Gangway does. */
  knownJobs?: string[];
  /** States a new job goes through, one per read (default triggered, pending, success). */
  script?: string[];
}

const TERMINAL = new Set(['success', 'failure', 'aborted', 'error']);

export class ProwSimulator extends Simulator {
  readonly server: SimServer;
  readonly jobs = new Map<string, SimProwJob>();
  private readonly opts: ProwSimulatorOptions;
  private nextBuild = 1_800_000_000_000_000_000n;
  /** Script for the next triggered jobs (overrides opts.script). */
  nextScript: string[] | undefined;

  constructor(opts: ProwSimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.server = new SimServer({
      name: 'Prow',
      routes: [
        { method: 'POST', pattern: '/v1/executions/:job', handler: (r) => this.trigger(r) },
        { method: 'GET', pattern: '/v1/executions/:id', handler: (r) => this.execution(r) },
        { method: 'GET', pattern: '/prowjob', handler: (r) => this.prowjob(r) },
      ],
    });
  }


  /** A job that already exists (status-mode tests). */
  seedJob(j: { id?: string; job: string; state: string; script?: string[]; envs?: Record<string, string>; withUrl?: boolean }): SimProwJob {
    const job = this.create(j.job, j.envs ?? {}, j.script ?? [j.state], j.id);
    job.state = j.state;
    if (j.withUrl ?? j.state !== 'triggered') job.url = this.jobUrl(job);
    if (TERMINAL.has(j.state)) job.completionTime = new Date(Date.parse(job.startTime) + 3_600_000).toISOString().replace('.000Z', 'Z');
    return job;
  }

  setJobState(id: string, state: string): void {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no simulated Prow job ${id}`);
    job.script = [state];
    this.apply(job, state);
  }

  private create(name: string, envs: Record<string, string>, script: string[], id?: string): SimProwJob {
    const job: SimProwJob = {
      id: id ?? randomUUID(),
      job: name,
      envs,
      script: [...script],
      state: script[0] ?? 'triggered',
      url: undefined,
      buildId: String(++this.nextBuild),
      startTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      completionTime: undefined,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private jobUrl(job: SimProwJob): string {
    return `${this.url}/view/gs/test-platform-results/logs/${job.job}/${job.buildId}`;
  }

  private apply(job: SimProwJob, state: string): void {
    const from = job.state;
    job.state = state;
    if (state !== 'triggered') job.url ??= this.jobUrl(job);
    if (TERMINAL.has(state)) job.completionTime ??= new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (from !== state) this.server.record('job-state', job.id, { job: job.job, from, to: state });
  }

  private trigger(req: SimRequest): SimResponse {
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ') || (this.opts.token !== undefined && auth !== `Bearer ${this.opts.token}`)) {
      return { status: 403, json: { code: 7, message: 'permission denied: invalid token' } };
    }
    const name = req.params.job ?? '';
    if (this.opts.knownJobs && !this.opts.knownJobs.includes(name)) {
      return { status: 500, json: { code: 13, message: `failed to create job: job ${name} not found in the Prow configuration` } };
    }
    const body = (req.body ?? {}) as { job_execution_type?: unknown; pod_spec_options?: { envs?: Record<string, string> } };
    if (body.job_execution_type !== '1') throw new SimHttpError(400, { code: 3, message: 'job_execution_type must be "1" (periodic)' });
    const envs = body.pod_spec_options?.envs ?? {};
    const job = this.create(name, envs, this.nextScript ?? this.opts.script ?? ['triggered', 'pending', 'success']);
    this.server.record('job-triggered', job.id, { job: name, envs });
    return { json: { id: job.id, job_name: name, job_type: 'PERIODIC', job_status: 'TRIGGERED', create_time: job.startTime } };
  }

  private execution(req: SimRequest): SimResponse {
    const job = this.jobs.get(req.params.id ?? '');
    if (!job) throw new SimHttpError(404, { code: 5, message: 'not found' });
    return { json: { id: job.id, job_name: job.job, job_status: job.state.toUpperCase(), job_url: job.url ?? '' } };
  }

  private prowjob(req: SimRequest): SimResponse {
    const id = req.query.get('prowjob') ?? '';
    const job = this.jobs.get(id);
    if (!job) return { status: 404, text: `prowjob ${id} not found` };
    const text = this.yaml(job);
    // Advance after answering: the state read is the current one.
    if (job.script.length > 1) {
      job.script.shift();
      this.apply(job, job.script[0]!);
    }
    return { text, headers: { 'content-type': 'application/yaml' } };
  }

  private yaml(job: SimProwJob): string {
    const status: Record<string, unknown> = { startTime: job.startTime, state: job.state, build_id: job.buildId };
    if (job.state !== 'triggered') status.pendingTime = job.startTime;
    if (job.url) status.url = job.url;
    if (job.completionTime) status.completionTime = job.completionTime;
    return dump({
      apiVersion: 'prow.k8s.io/v1',
      kind: 'ProwJob',
      metadata: {
        name: job.id,
        namespace: 'ci',
        labels: { 'created-by-prow': 'true', 'prow.k8s.io/job': job.job.slice(0, 63), 'prow.k8s.io/type': 'periodic' },
        annotations: { 'prow.k8s.io/job': job.job },
      },
      spec: {
        type: 'periodic',
        agent: 'kubernetes',
        cluster: 'build05',
        namespace: 'ci',
        job: job.job,
        pod_spec: { containers: [{ name: 'test', env: Object.entries(job.envs).map(([name, value]) => ({ name, value })) }] },
      },
      status,
    });
  }
}

export async function startProwSimulator(opts: ProwSimulatorOptions = {}): Promise<ProwSimulator> {
  const sim = new ProwSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
