/**
 * Jenkins client for stage testing (oar-commands 6.6, 9.5): trigger the parameterised
 * `zstreams/Stage-Pipeline` job with a CSRF crumb, follow the queue item to the build (bounded,
 * configurable wait instead of 3 x 30 s), read a build's status and its payload parameter.
 */
import { z } from 'zod';
import { HttpClient, IntegrationError, basicAuthorization, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';
import type { Config } from '../config/env.ts';

export const SYSTEM = 'Jenkins';
export const STAGE_PIPELINE_JOB = 'zstreams/Stage-Pipeline';

/** `zstreams/Stage-Pipeline` → `job/zstreams/job/Stage-Pipeline` */
export function jobPath(job: string): string {
  return job
    .split('/')
    .filter(Boolean)
    .map((part) => `job/${encodeURIComponent(part)}`)
    .join('/');
}

const CrumbSchema = z.looseObject({ crumb: z.string(), crumbRequestField: z.string() });
const QueueItemSchema = z.looseObject({
  id: z.number(),
  blocked: z.boolean().nullish(),
  buildable: z.boolean().nullish(),
  cancelled: z.boolean().nullish(),
  why: z.string().nullish(),
  executable: z.looseObject({ number: z.number(), url: z.string() }).nullish(),
  task: z.looseObject({ name: z.string().nullish(), url: z.string().nullish() }).nullish(),
});
const QueueSchema = z.looseObject({ items: z.array(QueueItemSchema) });
const BuildSchema = z.looseObject({
  number: z.number(),
  url: z.string(),
  building: z.boolean().nullish(),
  inProgress: z.boolean().nullish(),
  result: z.string().nullish(),
  actions: z.array(z.unknown()).nullish(),
});
const ParamsAction = z.looseObject({
  _class: z.literal('hudson.model.ParametersAction'),
  parameters: z.array(z.looseObject({ _class: z.string().nullish(), name: z.string(), value: z.unknown() })),
});

export interface QueuedBuild {
  queueId: number;
  /** `<server>/queue/item/<qid>/api/json` */
  queueUrl: string;
}

export type FollowResult =
  | { kind: 'started'; queueId: number; buildNumber: number; buildUrl: string; message: string }
  | { kind: 'blocked'; queueId: number; queueUrl: string; message: string }
  | { kind: 'cancelled'; queueId: number; queueUrl: string; message: string }
  | { kind: 'timeout'; queueId: number; queueUrl: string; message: string };

export interface BuildInfo {
  number: number;
  url: string;
  inProgress: boolean;
  /** SUCCESS, FAILURE, ABORTED, UNSTABLE, or null while running. */
  result: string | null;
  /** `In Progress` while running, else the result (the original's status). */
  status: string | null;
  /** String parameters of the build. */
  parameters: Record<string, string>;
}

export interface JenkinsClientOptions extends TransportOptions {
  baseUrl: string;
  user?: string;
  token?: string;
  /** Total wait for a queue item to become a build (default 90 s, the original's 3 x 30 s). */
  queueWaitMs?: number;
  queuePollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class JenkinsClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly opts: JenkinsClientOptions;
  private crumb: Promise<Record<string, string>> | undefined;

  constructor(opts: JenkinsClientOptions) {
    this.opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    const auth = opts.user && opts.token ? basicAuthorization(opts.user, opts.token) : undefined;
    this.http = new HttpClient({
      system: SYSTEM,
      baseUrl: this.baseUrl,
      ...(auth ? { headers: () => ({ authorization: auth }) } : {}),
      ...transportOptions(opts),
    });
  }

  /** JENKINS_URL (else the ConfigStore's jenkins_server), JENKINS_USER, JENKINS_TOKEN. */
  static fromConfig(config: Config, deps: { jenkinsUrl?: string; fetch?: FetchLike; observer?: CallObserver } = {}): JenkinsClient {
    const baseUrl = config.JENKINS_URL ?? deps.jenkinsUrl;
    if (!baseUrl) throw new IntegrationError({ system: SYSTEM, operation: 'configuring the Jenkins client', userMessage: 'Jenkins is not configured: set JENKINS_URL (or jenkins_server in the ConfigStore)' });
    if (!config.JENKINS_USER || !config.JENKINS_TOKEN) {
      throw new IntegrationError({ system: SYSTEM, operation: 'configuring the Jenkins client', userMessage: 'Jenkins is not configured: set JENKINS_USER and JENKINS_TOKEN' });
    }
    return new JenkinsClient({
      baseUrl,
      user: config.JENKINS_USER,
      token: config.JENKINS_TOKEN,
      queueWaitMs: config.JENKINS_QUEUE_WAIT_MS,
      queuePollMs: config.JENKINS_QUEUE_POLL_MS,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
  }

  jobUrl(job: string): string {
    return `${this.baseUrl}/${jobPath(job)}/`;
  }

  queueItemUrl(queueId: number): string {
    return `${this.baseUrl}/queue/item/${queueId}/api/json`;
  }

  /**
   * Start reading the CSRF crumb now (a trigger about to be made reads it alongside its other
   * checks instead of after them); the trigger uses it, or reads again if this one failed.
   */
  prefetchCrumb(): void {
    this.crumbHeader().catch(() => undefined);
  }

  /** CSRF crumb header (`Jenkins-Crumb: ...`); none when the crumb issuer is disabled (404). */
  private crumbHeader(): Promise<Record<string, string>> {
    this.crumb ??= this.http
      .request('fetching a CSRF crumb', { path: '/crumbIssuer/api/json', okStatuses: [404], responseType: 'response' })
      .then(async (res) => {
        const r = res as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
        if (r.status === 404) {
          await r.body?.cancel();
          return {};
        }
        const parsed = CrumbSchema.safeParse(await r.json().catch(() => undefined));
        if (!parsed.success) throw new IntegrationError({ system: SYSTEM, operation: 'fetching a CSRF crumb', status: r.status, detail: 'unexpected crumb answer' });
        return { [parsed.data.crumbRequestField]: parsed.data.crumb };
      })
      .catch((e: unknown) => {
        this.crumb = undefined;
        throw e;
      });
    return this.crumb;
  }

  /** `POST <job>/buildWithParameters`; the queue id comes from the Location header. Never retried. */
  async triggerBuild(job: string, parameters: Record<string, string>): Promise<QueuedBuild> {
    const operation = `triggering ${job}`;
    const send = async () =>
      (await this.http.request(operation, {
        method: 'POST',
        path: `/${jobPath(job)}/buildWithParameters`,
        body: new URLSearchParams(parameters).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await this.crumbHeader()) },
        responseType: 'response',
      })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      // An expired crumb answers 403 once; fetch a fresh one and try again.
      if (!(e instanceof IntegrationError) || e.status !== 403 || !/crumb/i.test(e.body ?? '')) throw e;
      this.crumb = undefined;
      res = await send();
    }
    await res.body?.cancel();
    const location = res.headers.get('location') ?? '';
    const m = /\/queue\/item\/(\d+)/.exec(location);
    if (!m) throw new IntegrationError({ system: SYSTEM, operation, status: res.status, detail: `no queue item in the Location header (${location || 'missing'})` });
    const queueId = Number(m[1]);
    return { queueId, queueUrl: this.queueItemUrl(queueId) };
  }

  async queueItem(queueId: number): Promise<z.infer<typeof QueueItemSchema>> {
    return this.http.request(`reading queue item ${queueId}`, { path: `/queue/item/${queueId}/api/json`, schema: QueueItemSchema });
  }

  /**
   * Follow a queue item until it has a build (bounded by queueWaitMs). A blocked item returns at
   * once with the original's sentence; a timeout is a result, not an error, because the build may
   * still start (the user gets the queue link).
   */
  async followQueueItem(queueId: number, opts: { waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<FollowResult> {
    const waitMs = opts.waitMs ?? this.opts.queueWaitMs ?? 90_000;
    const pollMs = Math.max(1, opts.pollMs ?? this.opts.queuePollMs ?? 5_000);
    const sleep = this.opts.sleep ?? defaultSleep;
    const queueUrl = this.queueItemUrl(queueId);
    let waited = 0;
    for (;;) {
      let item: z.infer<typeof QueueItemSchema>;
      try {
        item = await this.queueItem(queueId);
      } catch (e) {
        const why = e instanceof IntegrationError ? e.userMessage : e instanceof Error ? e.message : String(e);
        throw new IntegrationError({ system: SYSTEM, operation: `reading queue item ${queueId}`, userMessage: `visit ${queueUrl} failed: ${why}`, cause: e, ...(e instanceof IntegrationError && e.status !== undefined ? { status: e.status } : {}) });
      }
      if (item.executable?.url) {
        return { kind: 'started', queueId, buildNumber: item.executable.number, buildUrl: item.executable.url, message: item.executable.url };
      }
      if (item.cancelled) return { kind: 'cancelled', queueId, queueUrl, message: `queue item ${queueUrl} was cancelled` };
      if (item.blocked) {
        return { kind: 'blocked', queueId, queueUrl, message: `a new job triggered by you is pending, you can check queue item link: ${queueUrl}` };
      }
      if (waited >= waitMs || opts.signal?.aborted) break;
      const step = Math.min(pollMs, waitMs - waited);
      await sleep(step);
      waited += step;
    }
    return { kind: 'timeout', queueId, queueUrl, message: `polling queue item ${queueUrl} timeout, please check build url in this item manually` };
  }

  /** Trigger and follow: the original's `call_stage_job` result. */
  async triggerAndFollow(job: string, parameters: Record<string, string>, opts: { waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<FollowResult> {
    const queued = await this.triggerBuild(job, parameters);
    return this.followQueueItem(queued.queueId, opts);
  }

  /**
   * Whether a build of `job` is waiting in the queue. The queue reports the job's short name
   * (`Stage-Pipeline`) and its URL; the original compared the short name with the folder path
   * and never matched (defect 19). This matches the task URL (or the full name).
   */
  async isQueued(job: string): Promise<boolean> {
    const queue = await this.http.request('reading the build queue', { path: '/queue/api/json', schema: QueueSchema });
    const suffix = `/${jobPath(job)}/`;
    return queue.items.some((i) => (i.task?.url ? `${i.task.url.replace(/\/?$/, '/')}`.endsWith(suffix) : false) || i.task?.name === job);
  }

  async getBuild(job: string, buildNumber: number): Promise<BuildInfo> {
    const data = await this.http.request(`reading build ${job}/${buildNumber}`, { path: `/${jobPath(job)}/${buildNumber}/api/json`, schema: BuildSchema });
    const parameters: Record<string, string> = {};
    for (const action of data.actions ?? []) {
      const p = ParamsAction.safeParse(action);
      if (!p.success) continue;
      for (const param of p.data.parameters) {
        if ((param._class ?? 'hudson.model.StringParameterValue') === 'hudson.model.StringParameterValue' && typeof param.value === 'string' && !(param.name in parameters)) {
          parameters[param.name] = param.value;
        }
      }
    }
    const inProgress = data.inProgress ?? data.building ?? false;
    const result = data.result ?? null;
    return { number: data.number, url: data.url, inProgress, result, status: inProgress ? 'In Progress' : result, parameters };
  }

  /**
   * Status of a build that must have been triggered for `release` (9.5): its PAYLOAD_URL or
   * PULL_SPEC parameter must contain the release or the candidate x86_64 nightly.
   */
  async getBuildStatusForRelease(job: string, buildNumber: number, release: string, candidateNightly?: string): Promise<BuildInfo> {
    const wrap = (message: string, cause?: unknown) =>
      new IntegrationError({ system: SYSTEM, operation: `reading build ${job}/${buildNumber}`, userMessage: `get job ${job}/${buildNumber} status failed: ${message}`, ...(cause !== undefined ? { cause } : {}) });
    let build: BuildInfo;
    try {
      build = await this.getBuild(job, buildNumber);
    } catch (e) {
      throw wrap(e instanceof IntegrationError ? e.userMessage : e instanceof Error ? e.message : String(e), e);
    }
    const payload = build.parameters.PAYLOAD_URL ?? build.parameters.PULL_SPEC;
    if (payload === undefined) {
      throw wrap(Object.keys(build.parameters).length === 0 ? `cannot find parameter action for build ${job}/${buildNumber}` : `cannot find payload url value for build ${job}/${buildNumber}`);
    }
    const candidate = candidateNightly ?? 'n/a';
    if (!payload.includes(release) && !payload.includes(candidate)) {
      throw wrap(`please make sure this build ${job}/${buildNumber} is triggered for ${release}, cannot find ${release} or ${candidate} in payload url ${payload}`);
    }
    return build;
  }
}
