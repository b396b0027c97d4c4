/**
 * The `/health` report (agents 9.8, extended to the whole bot process).
 *
 * Pure apart from the injected probes: `buildHealth(probes)` asks each probe, each under its own
 * timeout, and turns the answers into `{ httpStatus, body }`:
 *
 * - 200 `healthy`;
 * - 503 `degraded` with `reasons`: a required variable is missing, the configuration contradicts
 *   itself (a production bot without a stated StateBox backend), Slack is configured but not
 *   connected, the store does not answer its ping, the process is shutting down, or one of these
 *   critical probes failed or timed out;
 * - 500 `unhealthy` with `error` when the check itself breaks (a probe throwing synchronously is a
 *   wiring bug, not an unreachable dependency: an unreachable dependency rejects or times out).
 *
 * Everything else (Kerberos ticket, ConfigStore cache, job runs, CKI consumer, optional
 * subsystems, MCP tools) is reported, and a problem there becomes a `warnings` entry without
 * changing the status: a degraded optional subsystem must not take a pod that still serves
 * Slack and MCP out of the Service. The
 * original turned a missing Kerberos ticket alone into 503, which took the whole service "Down"
 * on the status page although only Errata calls need the ticket; readiness must not flap on it.
 */
import type { Config } from '../config/env.ts';
import { describeVar, environmentReport, type EnvironmentReport } from '../config/report.ts';
import { describeError } from '../describe-error.ts';
import type { JobRun } from '../store/types.ts';
import type { SubsystemStatus } from './subsystems.ts';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** A probe may answer synchronously (in-memory state) or asynchronously (I/O). */
export type Probe<T> = () => T | Promise<T>;

export interface SlackHealth {
  /** Slack tokens are configured (or the playground's simulated Slack is in use). */
  configured: boolean;
  connected: boolean;
  /** Socket Mode state: connecting, connected, reconnecting, disconnected, ... */
  state?: string;
  /** ISO-8601 time of the last state change. */
  since?: string;
  reconnects?: number;
}

/** What /health needs from `ConfigStoreCache.stats()` (structural, so the cache type stays in release/). */
export interface CacheStatsLike {
  cache_size: number;
  max_size: number;
  ttl_seconds: number;
  metrics: { hits: number; misses: number; evictions: number; hit_rate: string };
}

/** What /health needs from `kerberosStatus()` (src/integrations/errata/kerberos.ts). */
export interface KerberosLike {
  valid: boolean;
  status: string;
  detail?: string;
  principal?: string;
  expiresAt?: string;
}

/** What /health needs from the CKI notifier's `state()`; every other field is passed through. */
export interface CkiStateLike {
  running: boolean;
  connected: boolean;
}

export type Lifecycle = 'starting' | 'running' | 'stopping';

export interface HealthProbes {
  config: Config;
  version: string;
  slack?: Probe<SlackHealth>;
  store?: { engine?: string; ping: () => Promise<boolean> };
  kerberos?: Probe<KerberosLike>;
  cache?: Probe<CacheStatsLike>;
  /** `store.lastJobRuns(n)`: several runs per job, any order. */
  jobs?: Probe<readonly JobRun[]>;
  cki?: Probe<CkiStateLike>;
  /** Optional subsystems (subsystems.ts): degraded ones are warnings, never a 503. */
  subsystems?: Probe<readonly SubsystemStatus[]>;
  /** MCP tool counts (agents 14 #15: computed, with the original's field names). */
  tools?: Probe<{ total: number }>;
  /** `starting` and `stopping` make the pod unready, so traffic only reaches a serving process. */
  lifecycle?: Probe<Lifecycle>;
  /** Per-probe timeout; default 2000 ms. */
  timeoutMs?: number;
  now?: () => Date;
  uptimeSeconds?: () => number;
}

export interface CheckResult {
  ok: boolean;
  duration_ms: number;
  timed_out?: boolean;
  error?: string;
}

export interface JobHealth {
  job: string;
  running: boolean;
  last_run?: { started_at: string; ended_at?: string; outcome?: JobRun['outcome']; error?: string; owner?: string };
  consecutive_failures: number;
}

export interface HealthBody {
  status: HealthStatus;
  server: 'oar-bot';
  version: string;
  timestamp: string;
  uptime_seconds?: number;
  reasons: string[];
  warnings: string[];
  lifecycle?: Lifecycle;
  environment: {
    valid: boolean;
    missing_required: string[];
    missing_optional: string[];
    /** "VAR: description" for each missing required variable (the original's error strings). */
    errors: string[];
    features: Record<string, boolean>;
    /** Where StateBox lives: `github` (repo@branch), `local` (directory), or `misconfigured`. */
    statebox: { backend: 'github' | 'local' | 'misconfigured'; where: string };
    /** Contradictory configuration (each is also a reason: degraded). */
    misconfigured: string[];
  };
  slack: SlackHealth;
  store: { configured: boolean; engine?: string; reachable?: boolean };
  kerberos?: { required: boolean; valid: boolean; status: string; detail?: string; principal?: string; expires_at?: string };
  cache?: { enabled: true; size: number; max_size: number; hit_rate: string; ttl_days: number; hits: number; misses: number; evictions: number };
  jobs?: JobHealth[];
  cki?: CkiStateLike & Record<string, unknown>;
  subsystems?: Record<string, SubsystemStatus>;
  tools?: { total: number } & Record<string, unknown>;
  checks: Record<string, CheckResult>;
}

export interface UnhealthyBody {
  status: 'unhealthy';
  server: 'oar-bot';
  version: string;
  error: string;
  timestamp: string;
}

export interface HealthReport {
  httpStatus: 200 | 503 | 500;
  body: HealthBody | UnhealthyBody;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

type Settled<T> = { ok: true; value: T; ms: number } | { ok: false; error: string; timedOut: boolean; ms: number };

/** The original's timestamp format: ISO-8601 UTC with a "+00:00" offset. */
export function isoTimestamp(d: Date): string {
  return d.toISOString().replace(/Z$/, '+00:00');
}

/**
 * Starts a probe. A synchronous throw propagates (the check is broken); a rejection or a
 * timeout settles as a failed check. The timer uses the global setTimeout so fake timers drive it.
 */
function start<T>(probe: Probe<T>, timeoutMs: number): Promise<Settled<T>> {
  const t0 = performance.now();
  const value = probe();
  const ms = () => Math.round(performance.now() - t0);
  if (!isThenable(value)) return Promise.resolve({ ok: true, value, ms: ms() });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${timeoutMs} ms`, timedOut: true, ms: ms() }), timeoutMs);
  });
  const answer = Promise.resolve(value).then(
    (v): Settled<T> => ({ ok: true, value: v, ms: ms() }),
    (e: unknown): Settled<T> => ({ ok: false, error: describeError(e), timedOut: false, ms: ms() }),
  );
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null | undefined)?.then === 'function';
}

function check(s: Settled<unknown>): CheckResult {
  return s.ok ? { ok: true, duration_ms: s.ms } : { ok: false, duration_ms: s.ms, ...(s.timedOut ? { timed_out: true } : {}), error: s.error };
}

function describe(s: Settled<unknown>): string {
  return s.ok ? 'ok' : s.timedOut ? `timed out (${s.error})` : `failed: ${s.error}`;
}

export function summarizeJobs(runs: readonly JobRun[]): JobHealth[] {
  const byJob = new Map<string, JobRun[]>();
  for (const r of runs) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);
  return [...byJob.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([job, list]) => {
      const newestFirst = [...list].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
      const running = newestFirst[0]?.endedAt === undefined && newestFirst[0]?.outcome === undefined;
      const finished = newestFirst.filter((r) => r.outcome !== undefined);
      let consecutive_failures = 0;
      for (const r of finished) {
        if (r.outcome !== 'failed') break;
        consecutive_failures++;
      }
      const last = finished[0];
      return {
        job,
        running,
        ...(last
          ? {
              last_run: {
                started_at: last.startedAt.toISOString(),
                ...(last.endedAt ? { ended_at: last.endedAt.toISOString() } : {}),
                outcome: last.outcome,
                ...(last.error ? { error: last.error } : {}),
                ...(last.owner ? { owner: last.owner } : {}),
              },
            }
          : {}),
        consecutive_failures,
      };
    });
}

function environmentSection(report: EnvironmentReport): HealthBody['environment'] {
  return {
    valid: report.valid,
    missing_required: [...report.missing_required],
    missing_optional: [...report.missing_optional],
    errors: report.missing_required.map((v) => `${v}: ${describeVar(v)}`),
    features: Object.fromEntries(report.features.map((f) => [f.feature, f.enabled])),
    statebox: { backend: report.statebox.backend, where: report.statebox.where },
    misconfigured: [...report.misconfigured],
  };
}

export async function buildHealth(probes: HealthProbes): Promise<HealthReport> {
  const now = probes.now ?? (() => new Date());
  try {
    return await assemble(probes, now);
  } catch (e) {
    return {
      httpStatus: 500,
      body: { status: 'unhealthy', server: 'oar-bot', version: probes.version, error: describeError(e), timestamp: isoTimestamp(now()) },
    };
  }
}

async function assemble(p: HealthProbes, now: () => Date): Promise<HealthReport> {
  const timeoutMs = p.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const config = p.config;
  const environment = environmentSection(environmentReport(config));
  const slackConfiguredByEnv = Boolean(config.SLACK_BOT_TOKEN && config.SLACK_APP_TOKEN);

  const storeProbe = p.store;
  const ping = storeProbe ? () => storeProbe.ping() : undefined;
  // Start every probe before awaiting any: the slowest one bounds the whole check.
  const run = <T>(probe: Probe<T> | undefined) => (probe ? start(probe, timeoutMs) : undefined);
  const pending = {
    lifecycle: run(p.lifecycle),
    slack: run(p.slack),
    store: run(ping),
    kerberos: run(p.kerberos),
    cache: run(p.cache),
    jobs: run(p.jobs),
    cki: run(p.cki),
    subsystems: run(p.subsystems),
    tools: run(p.tools),
  };
  const [lifecycle, slack, store, kerberos, cache, jobs, cki, subsystems, tools] = await Promise.all([
    pending.lifecycle, pending.slack, pending.store, pending.kerberos, pending.cache, pending.jobs, pending.cki, pending.subsystems, pending.tools,
  ]);

  const reasons: string[] = [];
  const warnings: string[] = [];
  const checks: Record<string, CheckResult> = {};
  const body: HealthBody = {
    status: 'healthy',
    server: 'oar-bot',
    version: p.version,
    timestamp: isoTimestamp(now()),
    ...(p.uptimeSeconds ? { uptime_seconds: Math.round(p.uptimeSeconds()) } : {}),
    reasons,
    warnings,
    environment,
    slack: { configured: slackConfiguredByEnv, connected: false },
    store: { configured: Boolean(p.store) },
    checks,
  };

  for (const v of environment.missing_required) reasons.push(`missing required variable ${v}`);
  reasons.push(...environment.misconfigured);

  if (lifecycle) {
    checks.lifecycle = check(lifecycle);
    if (lifecycle.ok) {
      body.lifecycle = lifecycle.value;
      if (lifecycle.value === 'stopping') reasons.push('shutting down');
      else if (lifecycle.value === 'starting') reasons.push('starting');
    }
  }

  if (slack) {
    checks.slack = check(slack);
    if (slack.ok) body.slack = { ...slack.value };
    else reasons.push(`Slack connection state unknown: ${describe(slack)}`);
  }
  if (body.slack.configured && !body.slack.connected && (!slack || slack.ok)) {
    reasons.push(`Slack is configured but not connected${body.slack.state ? ` (${body.slack.state})` : ''}`);
  }

  if (store && p.store) {
    checks.store = check(store);
    body.store = { configured: true, ...(p.store.engine ? { engine: p.store.engine } : {}), reachable: store.ok && store.value === true };
    if (!store.ok) reasons.push(`store unreachable: ping ${describe(store)}`);
    else if (!store.value) reasons.push('store unreachable: ping answered false');
  }

  if (kerberos) {
    checks.kerberos = check(kerberos);
    const required = config.ERRATA_AUTH === 'kerberos';
    if (kerberos.ok) {
      const k = kerberos.value;
      body.kerberos = {
        required, valid: k.valid, status: k.status,
        ...(k.detail ? { detail: k.detail } : {}),
        ...(k.principal ? { principal: k.principal } : {}),
        ...(k.expiresAt ? { expires_at: k.expiresAt } : {}),
      };
      if (required && !k.valid) warnings.push(`Kerberos credentials not usable (${k.status}): Errata Tool calls will fail`);
    } else {
      body.kerberos = { required, valid: false, status: kerberos.timedOut ? 'timeout' : 'error', detail: kerberos.error };
      if (required) warnings.push(`Kerberos check ${describe(kerberos)}`);
    }
  }

  if (cache) {
    checks.cache = check(cache);
    if (cache.ok) {
      const c = cache.value;
      body.cache = {
        enabled: true,
        size: c.cache_size,
        max_size: c.max_size,
        hit_rate: c.metrics.hit_rate,
        ttl_days: Math.floor(c.ttl_seconds / 86_400),
        hits: c.metrics.hits,
        misses: c.metrics.misses,
        evictions: c.metrics.evictions,
      };
    } else warnings.push(`ConfigStore cache stats ${describe(cache)}`);
  }

  if (jobs) {
    checks.jobs = check(jobs);
    if (jobs.ok) {
      body.jobs = summarizeJobs(jobs.value);
      for (const j of body.jobs) {
        if (j.consecutive_failures > 0) warnings.push(`job ${j.job} failed its last ${j.consecutive_failures} run(s)${j.last_run?.error ? `: ${j.last_run.error}` : ''}`);
      }
    } else warnings.push(`job runs ${describe(jobs)}`);
  }

  if (cki) {
    checks.cki = check(cki);
    if (cki.ok) {
      body.cki = { ...cki.value };
      if (cki.value.running && !cki.value.connected) warnings.push('CKI notifier is not connected to RabbitMQ');
    } else warnings.push(`CKI notifier state ${describe(cki)}`);
  }

  if (subsystems) {
    checks.subsystems = check(subsystems);
    if (subsystems.ok) {
      body.subsystems = Object.fromEntries(subsystems.value.map((s) => [s.name, { ...s }]));
      for (const s of subsystems.value) {
        if (s.status !== 'degraded') continue;
        const retry = s.next_retry_at ? `; next attempt at ${s.next_retry_at}` : s.failed_calls ? `; ${s.failed_calls} failed call(s) in a row, the next call tries again` : '; reconnecting';
        warnings.push(`${s.name} degraded since ${s.since}${s.failing ? ` (${s.failing})` : ''}${s.last_error ? `: ${s.last_error}` : ''}${retry}`);
      }
    } else warnings.push(`subsystem states ${describe(subsystems)}`);
  }

  if (tools) {
    checks.tools = check(tools);
    if (tools.ok) body.tools = { ...tools.value };
    else warnings.push(`MCP tools ${describe(tools)}`);
  }

  body.status = reasons.length === 0 ? 'healthy' : 'degraded';
  return { httpStatus: reasons.length === 0 ? 200 : 503, body };
}

export interface ReadinessReport {
  ready: boolean;
  reasons: string[];
  checks: Record<string, CheckResult>;
}

/**
 * `/readyz`: may the Service send traffic to this pod's HTTP endpoints (/mcp, /metrics)? Only what
 * those endpoints need: the process serves (not starting or stopping) and the store answers (MCP
 * write tools take their locks there). Slack is deliberately absent: a Slack outage degrades
 * `/health`, it does not take MCP and metrics out of the Service.
 */
export async function buildReadiness(p: Pick<HealthProbes, 'lifecycle' | 'store' | 'timeoutMs'>): Promise<ReadinessReport> {
  const timeoutMs = p.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const storeProbe = p.store;
  const [lifecycle, store] = await Promise.all([
    p.lifecycle ? start(p.lifecycle, timeoutMs) : undefined,
    storeProbe ? start(() => storeProbe.ping(), timeoutMs) : undefined,
  ]);
  const reasons: string[] = [];
  const checks: Record<string, CheckResult> = {};
  if (lifecycle) {
    checks.lifecycle = check(lifecycle);
    if (!lifecycle.ok) reasons.push(`lifecycle ${describe(lifecycle)}`);
    else if (lifecycle.value !== 'running') reasons.push(lifecycle.value === 'stopping' ? 'shutting down' : 'starting');
  }
  if (store) {
    checks.store = check(store);
    if (!store.ok) reasons.push(`store unreachable: ping ${describe(store)}`);
    else if (!store.value) reasons.push('store unreachable: ping answered false');
  }
  return { ready: reasons.length === 0, reasons, checks };
}
