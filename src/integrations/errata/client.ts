/**
 * Errata Tool REST client: the calls oar commands make (oar-commands 9.1, 11.9-11.11).
 *
 * Reads retry on 429/5xx; writes (state change, push trigger) never retry. Every failure is an
 * IntegrationError whose sentence names the advisory and what to do (401: kinit, 403: ET access,
 * 400/422: the field errors Errata Tool returned).
 */
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type RequestOptions, type TransportOptions } from '../http.ts';
import type { Config } from '../../config/env.ts';
import { errataAuthFromConfig, type ErrataAuthProvider, type KerberosLoader } from './auth.ts';
import type { PushJob } from './push-jobs.ts';
import { mapLimit, SERVICE_CONCURRENCY } from '../../limit.ts';

export const SYSTEM = 'Errata Tool';
export const DEFAULT_ERRATA_URL = 'https://errata.devel.redhat.com';

export type ErrataType = 'RHBA' | 'RHSA' | 'RHEA';

export interface Erratum {
  id: number;
  /** RHBA / RHSA / RHEA (the single key under `errata`, upper-cased). */
  type: string;
  state: string;
  synopsis: string | undefined;
  fullAdvisory: string | undefined;
  /** `doc_complete == 1` (doc approved). */
  docComplete: boolean;
  /** `text_ready == 1` (doc approval requested). */
  textReady: boolean;
  /** RHSA ProdSec approval: true approved, false requested, null not requested. */
  securityApproved: boolean | null;
  blockingAdvisories: number[];
  /** Bugzilla ids attached (kept so a Jira removal can re-send the full `idsfixed`). */
  bugIds: string[];
  /** Jira keys attached (`jira_issues.jira_issues[].jira_issue.key`). */
  jiraIssues: string[];
  raw: Record<string, unknown>;
}

export interface AdvisoryPeople {
  qeEmail: string | undefined;
  qeGroup: string | undefined;
  reporter: string | undefined;
}

export interface Advisory extends Erratum, AdvisoryPeople {
  /** The ConfigStore key it was listed under (extras, image, metadata, rpm, rhcos, microshift). */
  impetus: string | undefined;
  /** Product version → NVRs. */
  builds: Record<string, string[]>;
}

export interface SecurityAlerts {
  alerts: unknown[];
  /** Absent when Errata Tool did not say. */
  blocking: boolean | undefined;
}

export interface BlockingCheck {
  blocking: boolean;
  /** The original's log line for the decision (WARNING when not checkable, INFO when blocking). */
  message: string;
  level: 'info' | 'warn';
  alerts: unknown[];
}

export interface CvpTest {
  id: string;
  status: string;
  errataId: number | undefined;
  nvr: string | undefined;
  raw: Record<string, unknown>;
}

/** Client-side state rules of the errata-tool library (9.1). */
const STATE_TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  NEW_FILES: ['QE'],
  QE: ['NEW_FILES', 'REL_PREP'],
  REL_PREP: ['NEW_FILES', 'QE'],
};

export class ErrataStateError extends IntegrationError {
  readonly from: string;
  readonly to: string;
  constructor(id: number, from: string, to: string) {
    super({ system: SYSTEM, operation: `changing the state of advisory ${id}`, userMessage: `Cannot change state from ${from} to ${to}` });
    this.name = 'ErrataStateError';
    this.from = from;
    this.to = to;
  }
}

/** Throws `Cannot change state from A to B` unless the library would allow the move. */
export function assertStateChange(id: number, from: string, to: string): void {
  const allowed = STATE_TRANSITIONS[from.toUpperCase()] ?? [];
  if (!allowed.includes(to.toUpperCase())) throw new ErrataStateError(id, from.toUpperCase(), to.toUpperCase());
}

// --- response schemas (only what the code relies on) ---------------------------------------------

const flag = z.union([z.number(), z.boolean(), z.string()]).nullish();
const ErratumRecord = z.looseObject({
  id: z.number(),
  status: z.string(),
  synopsis: z.string().nullish(),
  fulladvisory: z.string().nullish(),
  doc_complete: flag,
  text_ready: flag,
  security_approved: z.boolean().nullish(),
  blocking_advisories: z.array(z.union([z.number(), z.string(), z.looseObject({ id: z.number() })])).nullish(),
});
const ErratumResponse = z.looseObject({
  errata: z.record(z.string(), ErratumRecord).refine((o) => Object.keys(o).length >= 1, 'no advisory under "errata"'),
  bugs: z.looseObject({ idsfixed: z.array(z.union([z.string(), z.number()])).nullish() }).nullish(),
  jira_issues: z
    .looseObject({
      idsfixed: z.array(z.union([z.string(), z.number()])).nullish(),
      jira_issues: z.array(z.looseObject({ jira_issue: z.looseObject({ key: z.string() }) })).nullish(),
    })
    .nullish(),
  blocking_advisories: z.array(z.union([z.number(), z.looseObject({ id: z.number() })])).nullish(),
});
const PeopleResponse = z.looseObject({
  people: z.looseObject({ assigned_to: z.string().nullish(), qe_group: z.string().nullish(), reporter: z.string().nullish() }),
});
const BuildsResponse = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));
const PushJobsResponse = z.array(
  z.looseObject({ id: z.number(), status: z.string(), target: z.looseObject({ name: z.string() }) }),
);
const AlertsResponse = z.looseObject({
  alerts: z.union([z.looseObject({ alerts: z.array(z.unknown()).nullish(), blocking: z.boolean().nullish() }), z.array(z.unknown())]).nullish(),
});
const ExternalTestsPage = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.union([z.number(), z.string()]),
      attributes: z.looseObject({ status: z.string() }),
      relationships: z
        .looseObject({
          errata: z.looseObject({ id: z.number() }).nullish(),
          brew_build: z.looseObject({ nvr: z.string() }).nullish(),
        })
        .nullish(),
    }),
  ),
});

const isOne = (v: unknown) => v === 1 || v === true || v === '1';

function blockingIds(list: readonly (number | string | { id: number })[] | null | undefined): number[] {
  return (list ?? []).map((b) => (typeof b === 'object' ? b.id : Number(b))).filter((n) => Number.isInteger(n));
}

/** Text of Errata Tool's 400/422 answers: `error`, or `errors: {field: [msgs]}`. */
export function errataErrorText(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const data = JSON.parse(body) as { error?: unknown; errors?: unknown };
    if (typeof data.error === 'string') return data.error;
    if (data.errors && typeof data.errors === 'object') {
      return Object.entries(data.errors as Record<string, unknown>)
        .map(([field, msgs]) => `${field}: ${Array.isArray(msgs) ? msgs.join(', ') : String(msgs)}`)
        .join('; ');
    }
  } catch {
    /* not JSON: fall through */
  }
  return body.length <= 200 ? body : undefined;
}

/** Errata-specific sentences on top of the generic HTTP ones. */
export function mapErrataError(e: unknown, authKind: string): unknown {
  if (!(e instanceof IntegrationError) || e instanceof ErrataStateError) return e;
  let userMessage: string | undefined;
  if (e.status === 401) {
    userMessage =
      authKind === 'kerberos'
        ? `Errata Tool rejected the credentials while ${e.operation} (401): did it forget to run kinit? The Kerberos ticket is missing or expired`
        : `Errata Tool rejected the credentials while ${e.operation} (401): check ERRATA_AUTH/ERRATA_TOKEN`;
  } else if (e.status === 403) {
    userMessage = `You need Errata access for this operation! (403 while ${e.operation})`;
  } else if (e.status === 400 || e.status === 422) {
    const why = errataErrorText(e.body);
    userMessage = `Errata Tool refused ${e.operation} (${e.status})${why ? `: ${why}` : ''}`;
  }
  if (!userMessage) return e;
  return new IntegrationError({
    system: e.system,
    operation: e.operation,
    ...(e.status !== undefined ? { status: e.status } : {}),
    userMessage,
    retryable: false,
    cause: e,
    ...(e.body !== undefined ? { body: e.body } : {}),
  });
}

export interface ErrataClientOptions extends TransportOptions {
  baseUrl?: string;
  auth: ErrataAuthProvider;
}

/** The `[impetus, id]` of a release's advisories the commands act on: every ConfigStore advisory except impetus `microshift` (A.7), in order. */
export function releaseAdvisoryEntries(advisories: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(advisories).filter(([impetus]) => impetus !== 'microshift');
}

export class ErrataClient {
  readonly baseUrl: string;
  readonly auth: ErrataAuthProvider;
  private readonly http: HttpClient;

  constructor(opts: ErrataClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_ERRATA_URL).replace(/\/+$/, '');
    this.auth = opts.auth;
    this.http = new HttpClient({
      system: SYSTEM,
      baseUrl: this.baseUrl,
      headers: () => opts.auth.headers(),
      ...transportOptions(opts),
    });
  }

  static fromConfig(config: Config, deps: { fetch?: FetchLike; observer?: CallObserver; loadKerberos?: KerberosLoader } = {}): ErrataClient {
    const baseUrl = config.ERRATA_URL ?? DEFAULT_ERRATA_URL;
    return new ErrataClient({
      baseUrl,
      auth: errataAuthFromConfig(config, new URL(baseUrl).hostname, deps.loadKerberos),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.observer ? { observer: deps.observer } : {}),
    });
  }

  /** `https://errata.devel.redhat.com/advisory/<id>` */
  advisoryUrl(id: number): string {
    return `${this.baseUrl}/advisory/${id}`;
  }

  private async call<T>(operation: string, req: RequestOptions<T>): Promise<T> {
    try {
      return await this.http.request(operation, req);
    } catch (e) {
      throw mapErrataError(e, this.auth.kind);
    }
  }

  private form(operation: string, method: 'PUT' | 'POST', path: string, fields: Record<string, string>, query?: RequestOptions<unknown>['query']): Promise<unknown> {
    return this.call(operation, {
      method,
      path,
      ...(query ? { query } : {}),
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      responseType: 'text',
    });
  }

  // --- reads -------------------------------------------------------------------------------------

  async getErratum(id: number, signal?: AbortSignal): Promise<Erratum> {
    return toErratum(await this.call(`reading advisory ${id}`, { path: `/api/v1/erratum/${id}`, schema: ErratumResponse, ...(signal ? { signal } : {}) }));
  }

  async getPeople(id: number, signal?: AbortSignal): Promise<AdvisoryPeople> {
    const data = await this.call(`reading the people of advisory ${id}`, { path: `/advisory/${id}.json`, schema: PeopleResponse, ...(signal ? { signal } : {}) });
    return { qeEmail: data.people.assigned_to ?? undefined, qeGroup: data.people.qe_group ?? undefined, reporter: data.people.reporter ?? undefined };
  }

  /** Product version → NVRs (`/advisory/<id>/builds.json`). */
  async getBuilds(id: number, signal?: AbortSignal): Promise<Record<string, string[]>> {
    const data = await this.call(`reading the builds of advisory ${id}`, { path: `/advisory/${id}/builds.json`, schema: BuildsResponse, ...(signal ? { signal } : {}) });
    const out: Record<string, string[]> = {};
    for (const [pv, entries] of Object.entries(data)) out[pv] = entries.flatMap((e) => Object.keys(e));
    return out;
  }

  /** Erratum + QE owner/group + builds, as the commands use an advisory. */
  async getAdvisory(id: number, impetus?: string, signal?: AbortSignal): Promise<Advisory> {
    const [erratum, people, builds] = await Promise.all([this.getErratum(id, signal), this.getPeople(id, signal), this.getBuilds(id, signal)]);
    return { ...erratum, ...people, impetus, builds };
  }

  /**
   * The advisories the commands work on (AdvisoryManager.get_advisories): every ConfigStore entry
   * except impetus `microshift`, without those in DROPPED_NO_SHIP. Order follows the map.
   */
  /**
   * The errata of a release's advisories (microshift excluded, dropped ones included: callers
   * decide), read side by side (bounded), in the ConfigStore's order.
   */
  async getReleaseErrata(advisories: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<{ impetus: string; id: number; erratum: Erratum }[]> {
    const wanted = releaseAdvisoryEntries(advisories);
    return mapLimit(wanted, SERVICE_CONCURRENCY, async ([impetus, id]) => ({ impetus, id, erratum: await this.getErratum(id, signal) }));
  }

  async getReleaseAdvisories(advisories: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<Advisory[]> {
    // Independent reads: side by side (bounded), in the ConfigStore's order.
    const wanted = releaseAdvisoryEntries(advisories);
    const all = await mapLimit(wanted, SERVICE_CONCURRENCY, ([impetus, id]) => this.getAdvisory(id, impetus, signal));
    return all.filter((ad) => ad.state !== 'DROPPED_NO_SHIP');
  }

  /**
   * getReleaseAdvisories without the builds: each advisory's erratum and people (QE owner), two
   * reads side by side instead of three, for callers that never look at the builds (take-ownership).
   */
  async getReleaseAdvisoryOwners(advisories: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<(Erratum & AdvisoryPeople & { impetus: string })[]> {
    const wanted = releaseAdvisoryEntries(advisories);
    const all = await mapLimit(wanted, SERVICE_CONCURRENCY, async ([impetus, id]) => {
      const [erratum, people] = await Promise.all([this.getErratum(id, signal), this.getPeople(id, signal)]);
      return { ...erratum, ...people, impetus };
    });
    return all.filter((ad) => ad.state !== 'DROPPED_NO_SHIP');
  }

  async listPushJobs(id: number, signal?: AbortSignal): Promise<PushJob[]> {
    const data = await this.call(`listing the push jobs of advisory ${id}`, { path: `/api/v1/erratum/${id}/push`, schema: PushJobsResponse, ...(signal ? { signal } : {}) });
    return data.map((j) => ({ id: j.id, status: j.status.toUpperCase(), target: j.target.name }));
  }

  async getSecurityAlerts(id: number): Promise<SecurityAlerts> {
    const data = await this.call(`reading the security alerts of advisory ${id}`, { path: `/api/v1/erratum/${id}/security_alerts`, schema: AlertsResponse });
    return normalizeAlerts(data.alerts);
  }

  /** POST .../security_alerts/refresh: recomputes and returns the alerts (safe to repeat). */
  async refreshSecurityAlerts(id: number): Promise<SecurityAlerts> {
    const data = await this.call(`refreshing the security alerts of advisory ${id}`, {
      method: 'POST',
      path: `/api/v1/erratum/${id}/security_alerts/refresh`,
      schema: AlertsResponse,
      idempotent: true,
    });
    return normalizeAlerts(data.alerts);
  }

  /** The blocking-secalert decision of 11.11 step 2 (RHSA only), with the original's log line. */
  async checkBlockingSecurityAlerts(erratum: Pick<Erratum, 'id' | 'type'>): Promise<BlockingCheck> {
    if (erratum.type !== 'RHSA') {
      return { blocking: false, level: 'warn', message: `RHBA advisory ${erratum.id} does not have secalerts`, alerts: [] };
    }
    const alerts = await this.refreshSecurityAlerts(erratum.id);
    if (alerts.blocking === undefined) {
      return { blocking: false, level: 'warn', message: `Cannot find alerts for advisory ${erratum.id}`, alerts: alerts.alerts };
    }
    if (alerts.blocking) {
      return { blocking: true, level: 'info', message: `found blocking secalert on advisory ${erratum.id}\n${JSON.stringify(alerts.alerts, null, 2)}`, alerts: alerts.alerts };
    }
    return { blocking: false, level: 'info', message: `no blocking secalert on advisory ${erratum.id}`, alerts: alerts.alerts };
  }

  /** Active Greenwave CVP tests, all pages (stops at an empty page; at most 50 pages). */
  async listGreenwaveCvpTests(id: number): Promise<CvpTest[]> {
    const out: CvpTest[] = [];
    for (let page = 1; page <= 50; page++) {
      const data = await this.call(`listing Greenwave CVP tests of advisory ${id}`, {
        path: '/api/v1/external_tests/',
        query: { 'filter[active]': 'true', 'filter[errata_id]': id, 'filter[test_type]': 'greenwave_cvp', 'page[number]': page },
        schema: ExternalTestsPage,
      });
      if (data.data.length === 0) break;
      for (const t of data.data) {
        out.push({
          id: String(t.id),
          status: t.attributes.status,
          errataId: t.relationships?.errata?.id,
          nvr: t.relationships?.brew_build?.nvr,
          raw: t,
        });
      }
    }
    return out;
  }

  /** Overall container grade from the advisory's container page (`Docker Container Content - B`). */
  async getContainerGrade(id: number): Promise<string | undefined> {
    const html = await this.call<string>(`reading the container page of advisory ${id}`, {
      path: `/errata/container/${id}`,
      responseType: 'text',
      headers: { accept: 'text/html' },
    });
    return /Docker Container Content - ([A-F])/.exec(html)?.[1];
  }

  // --- writes ------------------------------------------------------------------------------------

  /**
   * Move an advisory to `target` (upper-cased). The transition is checked first with the
   * library's rules; `current` skips the read when the caller already knows the state.
   * Returns false (and calls nothing) when the advisory is already in that state.
   */
  async changeState(id: number, target: string, current?: string): Promise<boolean> {
    const to = target.toUpperCase();
    const from = (current ?? (await this.getErratum(id)).state).toUpperCase();
    if (from === to) return false;
    assertStateChange(id, from, to);
    await this.form(`moving advisory ${id} from ${from} to ${to}`, 'POST', `/api/v1/erratum/${id}/change_state`, { new_state: to });
    return true;
  }

  /**
   * Set the QE owner. Only the changed field is sent: the Errata Tool API updates the fields it
   * is given (the Python library re-sent the whole form because of how it commits).
   */
  async changeQeOwner(id: number, email: string): Promise<void> {
    await this.form(`changing the QE owner of advisory ${id}`, 'PUT', `/api/v1/erratum/${id}`, { 'advisory[assigned_to_email]': email });
  }

  /**
   * Remove Jira issues by re-sending `advisory[idsfixed]` without them (Bugzilla ids kept).
   * Keys are compared exactly. Returns the keys actually removed.
   */
  async removeJiraIssues(id: number, keys: readonly string[], erratum?: Erratum): Promise<string[]> {
    return (await this.dropJiraIssues(id, keys, erratum)).removed;
  }

  /**
   * removeJiraIssues, and the advisory after the change as the update's answer describes it (its
   * approvals: the change may have taken them away), or null when the answer does not say.
   */
  async dropJiraIssues(id: number, keys: readonly string[], erratum?: Erratum): Promise<{ removed: string[]; updated: Erratum | null }> {
    const current = erratum ?? (await this.getErratum(id));
    const drop = new Set(keys);
    const removed = current.jiraIssues.filter((k) => drop.has(k));
    if (removed.length === 0) return { removed: [], updated: null };
    const remaining = [...current.bugIds, ...current.jiraIssues.filter((k) => !drop.has(k))];
    const answer = await this.form(`removing ${removed.join(', ')} from advisory ${id}`, 'PUT', `/api/v1/erratum/${id}`, { 'advisory[idsfixed]': remaining.join(' ') });
    const parsed = ErratumResponse.safeParse(typeof answer === 'string' ? safeJson(answer) : answer);
    return { removed, updated: parsed.success ? toErratum(parsed.data) : null };
  }

  async requestDocApproval(id: number): Promise<void> {
    await this.form(`requesting doc approval of advisory ${id}`, 'PUT', `/api/v1/erratum/${id}`, { 'advisory[text_ready]': '1' });
  }

  async requestProdsecApproval(id: number): Promise<void> {
    await this.form(`requesting ProdSec approval of advisory ${id}`, 'PUT', `/api/v1/erratum/${id}`, { 'advisory[security_approved]': 'false' });
  }

  /**
   * Trigger the stage push (`POST .../push?defaults=stage`: ET creates cdn_stage / cdn_docker_stage
   * jobs, re-runs failed ones and leaves completed ones alone). Never retried.
   */
  async triggerStagePush(id: number): Promise<PushJob[]> {
    const text = await this.call<string>(`triggering the stage push of advisory ${id}`, {
      method: 'POST',
      path: `/api/v1/erratum/${id}/push`,
      query: { defaults: 'stage' },
      responseType: 'text',
    });
    const parsed = PushJobsResponse.safeParse(safeJson(text));
    return parsed.success ? parsed.data.map((j) => ({ id: j.id, status: j.status.toUpperCase(), target: j.target.name })) : [];
  }
}

/** An advisory as `GET /api/v1/erratum/<id>` (and the answer of an update) describes it. */
function toErratum(data: z.infer<typeof ErratumResponse>): Erratum {
  const [typeKey, record] = Object.entries(data.errata)[0]!;
  return {
    id: record.id,
    type: typeKey.toUpperCase(),
    state: record.status.toUpperCase(),
    synopsis: record.synopsis ?? undefined,
    fullAdvisory: record.fulladvisory ?? undefined,
    docComplete: isOne(record.doc_complete),
    textReady: isOne(record.text_ready),
    securityApproved: record.security_approved ?? null,
    blockingAdvisories: [...new Set([...blockingIds(record.blocking_advisories), ...blockingIds(data.blocking_advisories)])],
    bugIds: (data.bugs?.idsfixed ?? []).map(String),
    jiraIssues: (data.jira_issues?.jira_issues ?? []).map((j) => j.jira_issue.key),
    raw: record,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function normalizeAlerts(alerts: z.infer<typeof AlertsResponse>['alerts']): SecurityAlerts {
  if (!alerts) return { alerts: [], blocking: undefined };
  if (Array.isArray(alerts)) return { alerts, blocking: undefined };
  return { alerts: alerts.alerts ?? [], blocking: alerts.blocking ?? undefined };
}
