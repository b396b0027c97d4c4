/**
 * Prow: trigger job executions through Gangway (agents 6.4) and read job records (agents 6.5,
 * oar-commands 9.6). Waiting for a job's URL is bounded and configurable (PROW_URL_WAIT_MS,
 * PROW_URL_POLL_MS) instead of a fixed 5 x 5 s; a missing APITOKEN is an error, not exit 0.
 */
import { load } from 'js-yaml';
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';
import type { Config } from '../config/env.ts';

export const GANGWAY_SYSTEM = 'Gangway';
export const PROW_SYSTEM = 'Prow';
export const DEFAULT_GANGWAY_URL = 'https://gangway-ci.apps.ci.l2s4.p1.openshiftapps.com';
export const DEFAULT_PROW_URL = 'https://prow.ci.openshift.org';
export const IMAGE_CONSISTENCY_JOB = 'periodic-ci-openshift-release-tests-main-image-consistency-check';

export const PROW_STATES = ['triggered', 'pending', 'success', 'failure', 'aborted', 'error'] as const;
export type ProwState = (typeof PROW_STATES)[number];

export function isProwState(s: string): s is ProwState {
  return (PROW_STATES as readonly string[]).includes(s);
}

/**
 * What a state means for oar: `running` (triggered, pending), `success`, `failure`,
 * `aborted` (aborted, error: the job did not judge the payload, re-trigger), `unknown`.
 */
export type ProwOutcome = 'running' | 'success' | 'failure' | 'aborted' | 'unknown';
export function prowOutcome(state: string | undefined): ProwOutcome {
  switch (state) {
    case 'triggered':
    case 'pending':
      return 'running';
    case 'success':
      return 'success';
    case 'failure':
      return 'failure';
    case 'aborted':
    case 'error':
      return 'aborted';
    default:
      return 'unknown';
  }
}

/** Job-info record (field names as the original's, which the result files also use). */
export interface ProwJobInfo {
  jobName: string;
  payload: string | null;
  upgrade_from: string | null;
  upgrade_to: string | null;
  jobStartTime: string | null;
  jobID: string;
  jobURL: string | null;
  jobState: string;
  jobCompletionTime?: string;
}

const ProwJobYaml = z.looseObject({
  spec: z.looseObject({ job: z.string() }),
  status: z
    .looseObject({
      state: z.string().nullish(),
      url: z.string().nullish(),
      startTime: z.union([z.string(), z.date()]).nullish(),
      completionTime: z.union([z.string(), z.date()]).nullish(),
    })
    .nullish(),
});

const iso = (v: string | Date | null | undefined) => (v instanceof Date ? v.toISOString().replace('.000Z', 'Z') : (v ?? null));

/** Job record from the ProwJob YAML; throws on a body that is not a ProwJob. */
export function parseProwJob(yaml: string, jobId: string, inputs: { payload?: string; upgradeFrom?: string; upgradeTo?: string } = {}): ProwJobInfo {
  const parsed = ProwJobYaml.safeParse(load(yaml));
  if (!parsed.success) throw new Error(`not a ProwJob record (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const { spec, status } = parsed.data;
  const info: ProwJobInfo = {
    jobName: spec.job,
    payload: inputs.payload ?? null,
    upgrade_from: inputs.upgradeFrom ?? null,
    upgrade_to: inputs.upgradeTo ?? null,
    jobStartTime: iso(status?.startTime),
    jobID: jobId,
    jobURL: status?.url ?? null,
    jobState: status?.state ?? 'triggered',
  };
  if (status?.completionTime) info.jobCompletionTime = iso(status.completionTime)!;
  return info;
}

// --- payload variables (agents 6.4) ------------------------------------------------------------------

const DEFAULT_AMD64_BASE = 'quay.io/openshift-release-dev/ocp-release:4.13.4-x86_64';

/** The x86_64 release matching an arm64 payload, e.g. `...:4.19.1-aarch64` → `...:4.19.1-x86_64`. */
export function amd64Base(pullspec: string): { pullspec: string; fallback: boolean } {
  const m = /:(\d+\.\d+\.\d+)(-.*)?-/.exec(pullspec);
  if (!m) return { pullspec: DEFAULT_AMD64_BASE, fallback: true };
  return { pullspec: `quay.io/openshift-release-dev/ocp-release:${m[1]}${m[2] ?? ''}-x86_64`, fallback: false };
}

const isArm = (p: string) => p.includes('arm64') || p.includes('aarch64');

/**
 * Gangway env overrides for a payload (agents 6.4): an install payload, or an initial and/or
 * target payload for upgrade jobs. Each later rule replaces the whole map, as in the original.
 */
export function payloadEnvs(p: { install?: string; initial?: string; target?: string }): Record<string, string> {
  if (p.install && (p.initial || p.target)) throw new Error('Give either an install payload or an initial/target pair, not both');
  if (p.install) {
    const P = p.install;
    let env: Record<string, string> = { RELEASE_IMAGE_LATEST: P };
    if (isArm(P)) env = P.includes('nightly') ? { RELEASE_IMAGE_ARM64_LATEST: P } : { RELEASE_IMAGE_LATEST: amd64Base(P).pullspec, RELEASE_IMAGE_ARM64_LATEST: P };
    if (P.includes('multi')) env = { RELEASE_IMAGE_MULTI_LATEST: P };
    if (P.includes('ppc64le')) env = { RELEASE_IMAGE_PPC64LE_LATEST: P };
    return env;
  }
  if (p.initial && p.target) {
    const F = p.initial;
    const T = p.target;
    let env: Record<string, string> = { RELEASE_IMAGE_LATEST: F, RELEASE_IMAGE_TARGET: T };
    if (F.includes('multi') && T.includes('multi')) env = { RELEASE_IMAGE_MULTI_LATEST: F, RELEASE_IMAGE_MULTI_TARGET: T };
    if (F.includes('ppc64le') && T.includes('ppc64le')) env = { RELEASE_IMAGE_PPC64LE_LATEST: F, RELEASE_IMAGE_PPC64LE_TARGET: T };
    if (isArm(F) && isArm(T)) {
      env = F.includes('nightly') || T.includes('nightly')
        ? { RELEASE_IMAGE_ARM64_LATEST: F, RELEASE_IMAGE_ARM64_TARGET: T }
        : { RELEASE_IMAGE_LATEST: amd64Base(F).pullspec, RELEASE_IMAGE_ARM64_LATEST: F, RELEASE_IMAGE_ARM64_TARGET: T };
    }
    return env;
  }
  const one = (P: string, kind: 'LATEST' | 'TARGET'): Record<string, string> => {
    let env: Record<string, string> = { [`RELEASE_IMAGE_${kind}`]: P };
    if (P.includes('multi')) env = { [`RELEASE_IMAGE_MULTI_${kind}`]: P };
    if (P.includes('ppc64le')) env = { [`RELEASE_IMAGE_PPC64LE_${kind}`]: P };
    if (isArm(P)) env = P.includes('nightly') ? { [`RELEASE_IMAGE_ARM64_${kind}`]: P } : { RELEASE_IMAGE_LATEST: amd64Base(P).pullspec, [`RELEASE_IMAGE_ARM64_${kind}`]: P };
    return env;
  };
  if (p.target) return one(p.target, 'TARGET');
  if (p.initial) return one(p.initial, 'LATEST');
  return {};
}

// --- fixed-purpose jobs (image consistency check, stage testing) -------------------------------------------

const PAYLOAD_RE = /^quay\.io\/openshift-release-dev\/ocp-release:\d+\.\d+\.\d+.*-x86_64$/;

export function validatePayloadUrl(payload: string): void {
  if (!PAYLOAD_RE.test(payload)) throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: 'checking the payload URL', userMessage: `Invalid payload URL: ${payload}` });
}

export function validateMergeRequestId(id: number): void {
  if (!Number.isInteger(id) || id <= 0) throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: 'checking the merge request id', userMessage: `Invalid merge request ID: ${id}. Must be a positive integer.` });
}

/** `4.20` from `quay.io/...:4.20.0-rc.1-x86_64` (the tag up to the first "-", first two numbers). */
export function payloadMinor(payload: string): string {
  const tag = payload.slice(payload.lastIndexOf(':') + 1).split('-')[0] ?? '';
  const m = /^(\d+)\.(\d+)/.exec(tag);
  if (!m) throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: 'reading the payload version', userMessage: `Invalid payload URL: ${payload}` });
  return `${m[1]}.${m[2]}`;
}

export function stageTestingJobName(payload: string): string {
  return `periodic-ci-openshift-openshift-tests-private-release-${payloadMinor(payload)}-stage-testing-e2e-aws-ipi`;
}

// --- client ------------------------------------------------------------------------------------------------

export interface TriggeredJob {
  id: string;
  jobName: string;
  /** The job record once it has a URL; undefined when the wait ran out (the job still runs). */
  job: ProwJobInfo | undefined;
  ready: boolean;
  /** `Job <id> not ready after <n> attempts (<s>s).` when not ready. */
  message?: string;
}

export interface ProwClientOptions extends TransportOptions {
  gangwayUrl?: string;
  prowUrl?: string;
  token?: string;
  /** Gangway request timeout (the original: 30 s). */
  timeoutMs?: number;
  urlWaitMs?: number;
  urlPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ProwClient {
  private readonly gangway: HttpClient;
  private readonly prow: HttpClient;
  private readonly opts: ProwClientOptions;
  readonly prowUrl: string;

  constructor(opts: ProwClientOptions) {
    this.opts = opts;
    this.prowUrl = (opts.prowUrl ?? DEFAULT_PROW_URL).replace(/\/+$/, '');
    const common = transportOptions(opts);
    const token = opts.token?.trim();
    this.gangway = new HttpClient({
      system: GANGWAY_SYSTEM,
      baseUrl: opts.gangwayUrl ?? DEFAULT_GANGWAY_URL,
      ...(token ? { headers: () => ({ authorization: `Bearer ${token}` }) } : {}),
      ...common,
    });
    this.prow = new HttpClient({ system: PROW_SYSTEM, baseUrl: this.prowUrl, ...common });
  }

  static fromConfig(config: Config, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): ProwClient {
    return new ProwClient({
      ...(config.GANGWAY_URL ? { gangwayUrl: config.GANGWAY_URL } : {}),
      ...(config.PROW_URL ? { prowUrl: config.PROW_URL } : {}),
      ...(config.APITOKEN ? { token: config.APITOKEN } : {}),
      urlWaitMs: config.PROW_URL_WAIT_MS,
      urlPollMs: config.PROW_URL_POLL_MS,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
  }

  /**
   * POST /v1/executions/<job> with `job_execution_type: "1"` and the env overrides. Never retried
   * (a retry could start a second job). 403 → "Please check the Prow token"; other failures →
   * "Failed to run <label> job. Error code: <code>, reason: <reason>".
   */
  async triggerJob(jobName: string, envs: Record<string, string> = {}, opts: { label?: string; signal?: AbortSignal } = {}): Promise<string> {
    const name = jobName.trim();
    if (!this.opts.token?.trim()) {
      throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: `triggering ${name}`, userMessage: 'APITOKEN is not set: Prow jobs cannot be triggered through Gangway' });
    }
    const body: Record<string, unknown> = { job_execution_type: '1' };
    if (Object.keys(envs).length > 0) body.pod_spec_options = { envs };
    let res: Response;
    try {
      res = (await this.gangway.request(`triggering ${name}`, {
        method: 'POST',
        path: `/v1/executions/${encodeURIComponent(name)}`,
        json: body,
        responseType: 'response',
        ...(opts.signal ? { signal: opts.signal } : {}),
      })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    } catch (e) {
      if (!(e instanceof IntegrationError) || e.status === undefined) throw e;
      const reason = reasonOf(e.status, e.body);
      const userMessage =
        e.status === 403
          ? `Please check the Prow token. Error code: 403, reason: ${reason}`
          : `Failed to run ${opts.label ?? name} job. Error code: ${e.status}, reason: ${reason}${e.status === 500 ? ' (a 500 usually means the job name does not exist)' : ''}`;
      throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: `triggering ${name}`, status: e.status, userMessage, cause: e, ...(e.body !== undefined ? { body: e.body } : {}) });
    }
    const text = await res.text();
    let id: unknown;
    try {
      id = (JSON.parse(text) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string' || id === '') {
      throw new IntegrationError({ system: GANGWAY_SYSTEM, operation: `triggering ${name}`, status: res.status, detail: 'Gangway returned no job id' });
    }
    return id;
  }

  /** The job record, or null when Prow does not know the id (non-200 or empty body). */
  async getJob(jobId: string, inputs: { payload?: string; upgradeFrom?: string; upgradeTo?: string } = {}): Promise<ProwJobInfo | null> {
    if (!jobId.trim()) throw new IntegrationError({ system: PROW_SYSTEM, operation: 'reading a Prow job', userMessage: 'A Prow job id is required' });
    const res = (await this.prow.request(`reading Prow job ${jobId}`, {
      path: '/prowjob',
      query: { prowjob: jobId },
      headers: { accept: 'application/yaml, text/plain, */*' },
      okStatuses: [400, 404],
      responseType: 'response',
    })) as unknown as Response; // responseType 'response': the HTTP client hands back the fetch Response, not parsed JSON
    const text = await res.text();
    if (res.status !== 200 || text.trim() === '') return null;
    try {
      return parseProwJob(text, jobId, inputs);
    } catch (e) {
      throw new IntegrationError({ system: PROW_SYSTEM, operation: `reading Prow job ${jobId}`, status: res.status, cause: e, detail: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Poll until the job has a URL; throws `Job <id> not ready after <n> attempts (<s>s).` */
  async waitForJobUrl(jobId: string, opts: { waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<ProwJobInfo> {
    const waitMs = opts.waitMs ?? this.opts.urlWaitMs ?? 25_000;
    const pollMs = Math.max(1, opts.pollMs ?? this.opts.urlPollMs ?? 5_000);
    // One read now, then one per interval until the wait is used up (no sleep after the last read).
    const attempts = Math.floor(waitMs / pollMs) + 1;
    const sleep = this.opts.sleep ?? defaultSleep;
    let made = 0;
    for (let i = 1; i <= attempts; i++) {
      made = i;
      const job = await this.getJob(jobId);
      if (job?.jobURL) return job;
      if (i === attempts || opts.signal?.aborted) break;
      await sleep(pollMs);
    }
    throw new IntegrationError({ system: PROW_SYSTEM, operation: `waiting for Prow job ${jobId}`, userMessage: `Job ${jobId} not ready after ${made} attempts (${Math.round(((made - 1) * pollMs) / 1000)}s).` });
  }

  /** Trigger, then wait for the URL; a wait that runs out is reported, not thrown (the job exists). */
  async triggerAndWait(jobName: string, envs: Record<string, string>, opts: { label?: string; waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<TriggeredJob> {
    const id = await this.triggerJob(jobName, envs, { ...(opts.label ? { label: opts.label } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    try {
      const job = await this.waitForJobUrl(id, opts);
      return { id, jobName, job, ready: true };
    } catch (e) {
      if (e instanceof IntegrationError && e.operation.startsWith('waiting for Prow job')) return { id, jobName, job: undefined, ready: false, message: e.userMessage };
      throw e;
    }
  }

  /** `periodic-ci-openshift-release-tests-main-image-consistency-check` for a payload and shipment MR. */
  triggerImageConsistencyCheck(payloadUrl: string, mergeRequestId: number, opts: { waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<TriggeredJob> {
    validatePayloadUrl(payloadUrl);
    validateMergeRequestId(mergeRequestId);
    return this.triggerAndWait(
      IMAGE_CONSISTENCY_JOB,
      { MULTISTAGE_PARAM_OVERRIDE_PAYLOAD_URL: payloadUrl, MULTISTAGE_PARAM_OVERRIDE_MERGE_REQUEST_ID: String(mergeRequestId) },
      { label: 'image consistency check', ...opts },
    );
  }

  /** The Prow stage-testing job (not used by `oar stage-testing`, which stays on Jenkins). */
  triggerStageTesting(payloadUrl: string, opts: { waitMs?: number; pollMs?: number; signal?: AbortSignal } = {}): Promise<TriggeredJob> {
    validatePayloadUrl(payloadUrl);
    return this.triggerAndWait(stageTestingJobName(payloadUrl), { RELEASE_IMAGE_LATEST: payloadUrl }, { label: 'stage testing', ...opts });
  }
}

function reasonOf(status: number, body: string | undefined): string {
  const text = (body ?? '').trim();
  if (text) {
    try {
      const data = JSON.parse(text) as { message?: unknown; error?: unknown };
      const m = data.message ?? data.error;
      if (typeof m === 'string' && m) return m;
    } catch {
      /* plain text */
    }
    if (text.length <= 200) return text;
  }
  return REASONS[status] ?? 'Unknown';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
