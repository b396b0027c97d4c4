/**
 * Simulated Errata Tool: the REST endpoints oar-bot calls, in memory, behind real HTTP.
 *
 * Seed advisories with `seedAdvisory`, drive push jobs with `setPushJobStatus` (or let each poll
 * advance them: QUEUED -> RUNNING -> COMPLETE), read back `calls` / `changes`, inject faults.
 */
import { SimHttpError, SimServer, Simulator, formField, type SimRequest, type SimResponse } from './sim-kit.ts';

export interface SimPushJob {
  id: number;
  target: string;
  status: string;
}

export interface SimCvpTest {
  id: number;
  status: string;
  nvr: string;
}

export interface SimAdvisory {
  id: number;
  type: 'RHBA' | 'RHSA' | 'RHEA';
  state: string;
  synopsis: string;
  qeEmail: string;
  qeGroup: string;
  reporter: string;
  docComplete: boolean;
  textReady: boolean;
  securityApproved: boolean | null;
  bugIds: string[];
  jiraIssues: string[];
  /** Product version → NVRs. */
  builds: Record<string, string[]>;
  pushJobs: SimPushJob[];
  /** Targets `push?defaults=stage` creates jobs for. */
  stageTargets: string[];
  /** null: Errata Tool answers `{alerts: {}}` (no information). */
  securityAlerts: { alerts: unknown[]; blocking: boolean } | null;
  cvpTests: SimCvpTest[];
  /** Overall container grade shown on /errata/container/<id>; undefined: page without grade. */
  containerGrade: string | undefined;
  blockingAdvisories: number[];
}

export interface ErrataSimulatorOptions {
  port?: number;
  /** Require an Authorization header of this scheme (401 otherwise). Default: none required. */
  auth?: 'none' | 'bearer' | 'negotiate';
  /** Expected bearer token when auth is bearer. */
  token?: string;
  /** auto: every push-job listing advances running jobs one step. manual: only setPushJobStatus. */
  pushProgression?: 'auto' | 'manual';
}

const TRANSITIONS: Record<string, string[]> = { NEW_FILES: ['QE'], QE: ['NEW_FILES', 'REL_PREP'], REL_PREP: ['NEW_FILES', 'QE'] };
const NEXT_PUSH_STATUS: Record<string, string> = { QUEUED: 'RUNNING', READY: 'RUNNING', WAITING_ON_PUB: 'RUNNING', RUNNING: 'COMPLETE' };

export class ErrataSimulator extends Simulator {
  readonly server: SimServer;
  readonly advisories = new Map<number, SimAdvisory>();
  private readonly opts: ErrataSimulatorOptions;
  private nextPushId = 1000;

  constructor(opts: ErrataSimulatorOptions = {}) {
    super();
    this.opts = opts;
    this.server = new SimServer({
      name: 'Errata Tool',
      before: (req) => this.authenticate(req),
      routes: [
        { method: 'GET', pattern: '/api/v1/erratum/:id', handler: (r) => this.showErratum(r) },
        { method: 'PUT', pattern: '/api/v1/erratum/:id', handler: (r) => this.updateErratum(r) },
        { method: 'POST', pattern: '/api/v1/erratum/:id/change_state', handler: (r) => this.changeState(r) },
        { method: 'GET', pattern: '/api/v1/erratum/:id/push', handler: (r) => this.listPush(r) },
        { method: 'POST', pattern: '/api/v1/erratum/:id/push', handler: (r) => this.triggerPush(r) },
        { method: 'GET', pattern: '/api/v1/erratum/:id/security_alerts', handler: (r) => this.alerts(r, false) },
        { method: 'POST', pattern: '/api/v1/erratum/:id/security_alerts/refresh', handler: (r) => this.alerts(r, true) },
        { method: 'GET', pattern: '/api/v1/erratum/:id/builds', handler: (r) => this.buildsV1(r) },
        { method: 'GET', pattern: '/api/v1/external_tests/', handler: (r) => this.externalTests(r) },
        { method: 'GET', pattern: '/api/v1/external_tests', handler: (r) => this.externalTests(r) },
        { method: 'GET', pattern: '/advisory/:id/builds.json', handler: (r) => this.buildsJson(r) },
        { method: 'GET', pattern: '/advisory/:idjson', handler: (r) => this.advisoryJson(r) },
        { method: 'GET', pattern: '/errata/container/:id', handler: (r) => this.containerPage(r) },
      ],
    });
  }


  /** Add (or replace) an advisory; unspecified fields get realistic defaults. */
  seedAdvisory(partial: Partial<SimAdvisory> & { id: number }): SimAdvisory {
    const adv: SimAdvisory = {
      type: 'RHBA',
      state: 'QE',
      synopsis: `OpenShift Container Platform advisory ${partial.id}`,
      qeEmail: 'openshift-qe@redhat.com',
      qeGroup: 'OpenShift QE',
      reporter: 'ocp-build@redhat.com',
      docComplete: false,
      textReady: false,
      securityApproved: null,
      bugIds: [],
      jiraIssues: [],
      builds: {},
      pushJobs: [],
      stageTargets: ['cdn_stage'],
      securityAlerts: { alerts: [], blocking: false },
      cvpTests: [],
      containerGrade: undefined,
      blockingAdvisories: [],
      ...partial,
    };
    this.advisories.set(adv.id, adv);
    return adv;
  }

  advisory(id: number): SimAdvisory {
    const adv = this.advisories.get(id);
    if (!adv) throw new Error(`simulated Errata Tool has no advisory ${id}`);
    return adv;
  }

  /** Set the status of the newest job for a target (creating one when absent). */
  setPushJobStatus(id: number, target: string, status: string): void {
    const adv = this.advisory(id);
    const jobs = adv.pushJobs.filter((j) => j.target === target);
    const newest = jobs.sort((a, b) => b.id - a.id)[0];
    if (newest) newest.status = status;
    else adv.pushJobs.push({ id: ++this.nextPushId, target, status });
    this.server.record('push-job', `advisory ${id}`, { target, status });
  }

  private authenticate(req: SimRequest): SimResponse | undefined {
    const mode = this.opts.auth ?? 'none';
    if (mode === 'none') return undefined;
    const header = String(req.headers.authorization ?? '');
    const ok = mode === 'bearer' ? header === `Bearer ${this.opts.token ?? ''}` : /^Negotiate \S+/.test(header);
    return ok ? undefined : { status: 401, text: '<html><body>401 Unauthorized</body></html>', headers: { 'www-authenticate': 'Negotiate' } };
  }

  private find(req: SimRequest, param = 'id'): SimAdvisory {
    const id = Number((req.params[param] ?? '').replace(/\.json$/, ''));
    const adv = this.advisories.get(id);
    if (!adv) throw new SimHttpError(404, { error: `Couldn't find Errata with 'id'=${req.params[param]}` });
    return adv;
  }

  private erratumRecord(adv: SimAdvisory): Record<string, unknown> {
    return {
      id: adv.id,
      status: adv.state,
      synopsis: adv.synopsis,
      fulladvisory: `${adv.type}-2026:${String(adv.id).slice(-4)}-01`,
      doc_complete: adv.docComplete ? 1 : 0,
      text_ready: adv.textReady ? 1 : 0,
      security_approved: adv.securityApproved,
      security_impact: adv.type === 'RHSA' ? 'Moderate' : 'None',
      content_types: Object.keys(adv.builds).length ? ['docker'] : ['rpm'],
      blocking_advisories: adv.blockingAdvisories,
      product_id: 79,
      group_id: 1,
    };
  }

  private showErratum(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const record = this.erratumRecord(adv);
    return {
      json: {
        errata: { [adv.type.toLowerCase()]: record },
        content: { content: { topic: adv.synopsis, description: adv.synopsis, solution: 'See the release notes.' } },
        bugs: { idsfixed: adv.bugIds, bugs: adv.bugIds.map((id) => ({ bug: { id: Number(id), bug_status: 'VERIFIED' } })) },
        jira_issues: {
          idsfixed: adv.jiraIssues,
          jira_issues: adv.jiraIssues.map((key, i) => ({ jira_issue: { id_jira: 10_000 + i, key, status: 'Verified', is_private: false } })),
        },
      },
    };
  }

  private advisoryJson(req: SimRequest): SimResponse {
    if (!req.params.idjson?.endsWith('.json')) throw new SimHttpError(404, { error: 'not found' });
    const adv = this.find(req, 'idjson');
    return {
      json: {
        id: adv.id,
        advisory_name: `${adv.type}-2026:${adv.id}`,
        product: { name: 'Red Hat OpenShift Container Platform', short_name: 'RHOSE' },
        release: { name: 'RHOSE ASYNC' },
        people: { assigned_to: adv.qeEmail, reporter: adv.reporter, qe_group: adv.qeGroup, docs_group: 'Default', doc_reviewer: 'docs@redhat.com' },
        status: adv.state,
      },
    };
  }

  private buildsJson(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const [pv, nvrs] of Object.entries(adv.builds)) out[pv] = nvrs.map((nvr) => ({ [nvr]: { 'x86_64': [`${nvr}.x86_64.tar`] } }));
    return { json: out };
  }

  private buildsV1(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const out: Record<string, unknown> = {};
    for (const [pv, nvrs] of Object.entries(adv.builds)) out[pv] = { name: pv, builds: nvrs.map((nvr) => ({ [nvr]: { nvr, is_module: false } })) };
    return { json: out };
  }

  private updateErratum(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const changed: Record<string, unknown> = {};
    const owner = formField(req.body, 'advisory[assigned_to_email]');
    if (owner !== undefined) {
      if (!/^[^@\s]+@[^@\s]+$/.test(owner)) throw new SimHttpError(422, { errors: { assigned_to_email: [`${owner} is not a valid errata user`] } });
      changed.qeEmail = { from: adv.qeEmail, to: owner };
      adv.qeEmail = owner;
    }
    const idsfixed = formField(req.body, 'advisory[idsfixed]');
    if (idsfixed !== undefined) {
      const ids = idsfixed.split(/\s+/).filter(Boolean);
      const bugs = ids.filter((i) => /^\d+$/.test(i));
      const jira = ids.filter((i) => !/^\d+$/.test(i));
      changed.jiraIssues = { removed: adv.jiraIssues.filter((k) => !jira.includes(k)), added: jira.filter((k) => !adv.jiraIssues.includes(k)) };
      adv.bugIds = bugs;
      adv.jiraIssues = jira;
    }
    const textReady = formField(req.body, 'advisory[text_ready]');
    if (textReady !== undefined) {
      adv.textReady = textReady === '1' || textReady === 'true';
      changed.textReady = adv.textReady;
    }
    const secApproved = formField(req.body, 'advisory[security_approved]');
    if (secApproved !== undefined) {
      adv.securityApproved = secApproved === 'true' ? true : secApproved === 'false' ? false : null;
      changed.securityApproved = adv.securityApproved;
    }
    if (Object.keys(changed).length === 0) throw new SimHttpError(400, { error: 'No advisory fields given' });
    this.server.record('advisory-updated', `advisory ${adv.id}`, changed);
    return { json: { errata: { [adv.type.toLowerCase()]: this.erratumRecord(adv) } } };
  }

  private changeState(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const to = (formField(req.body, 'new_state') ?? '').toUpperCase();
    if (!to) throw new SimHttpError(400, { error: 'new_state is required' });
    if (!(TRANSITIONS[adv.state] ?? []).includes(to)) {
      throw new SimHttpError(422, { errors: { new_state: [`Transition ${adv.state} => ${to} is invalid`] } });
    }
    const from = adv.state;
    adv.state = to;
    this.server.record('state-changed', `advisory ${adv.id}`, { from, to });
    return { json: { errata: { [adv.type.toLowerCase()]: this.erratumRecord(adv) } } };
  }

  private pushJson(adv: SimAdvisory, jobs: SimPushJob[]): unknown[] {
    return jobs.map((j) => ({ id: j.id, status: j.status, target: { id: j.target === 'cdn_stage' ? 8 : 9, name: j.target }, errata_id: adv.id, url: `/push_jobs/${j.id}` }));
  }

  private listPush(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const body = this.pushJson(adv, adv.pushJobs);
    if ((this.opts.pushProgression ?? 'auto') === 'auto') {
      for (const job of adv.pushJobs) {
        const next = NEXT_PUSH_STATUS[job.status];
        if (next) {
          this.server.record('push-job', `advisory ${adv.id}`, { id: job.id, target: job.target, from: job.status, to: next });
          job.status = next;
        }
      }
    }
    return { json: body };
  }

  private triggerPush(req: SimRequest): SimResponse {
    const adv = this.find(req);
    if (req.query.get('defaults') !== 'stage') throw new SimHttpError(400, { error: 'only defaults=stage is simulated' });
    if (!['QE', 'REL_PREP', 'PUSH_READY'].includes(adv.state)) {
      throw new SimHttpError(422, { error: `Advisory ${adv.id} in state ${adv.state} cannot be pushed to stage` });
    }
    const created: SimPushJob[] = [];
    for (const target of adv.stageTargets) {
      const newest = adv.pushJobs.filter((j) => j.target === target).sort((a, b) => b.id - a.id)[0];
      if (newest && (newest.status === 'COMPLETE' || NEXT_PUSH_STATUS[newest.status])) continue;
      const job = { id: ++this.nextPushId, target, status: 'QUEUED' };
      adv.pushJobs.push(job);
      created.push(job);
    }
    this.server.record('push-triggered', `advisory ${adv.id}`, { targets: created.map((j) => j.target), jobs: created.map((j) => j.id) });
    return { status: 201, json: this.pushJson(adv, created) };
  }

  private alerts(req: SimRequest, refresh: boolean): SimResponse {
    const adv = this.find(req);
    if (refresh) this.server.record('security-alerts-refreshed', `advisory ${adv.id}`, { blocking: adv.securityAlerts?.blocking ?? null });
    return { json: { alerts: adv.securityAlerts ? { alerts: adv.securityAlerts.alerts, blocking: adv.securityAlerts.blocking } : {} } };
  }

  private externalTests(req: SimRequest): SimResponse {
    const id = Number(req.query.get('filter[errata_id]'));
    const page = Number(req.query.get('page[number]') ?? '1');
    const adv = this.advisories.get(id);
    const tests = req.query.get('filter[test_type]') === 'greenwave_cvp' ? (adv?.cvpTests ?? []) : [];
    const size = 2;
    const slice = tests.slice((page - 1) * size, page * size);
    return {
      json: {
        data: slice.map((t) => ({
          id: t.id,
          type: 'external_tests',
          attributes: { status: t.status, test_type: 'greenwave_cvp', active: true, external_id: `cvp-${t.id}` },
          relationships: { errata: { id }, brew_build: { id: t.id + 500, nvr: t.nvr } },
        })),
      },
    };
  }

  private containerPage(req: SimRequest): SimResponse {
    const adv = this.find(req);
    const grade = adv.containerGrade ? `<h2>Docker Container Content - ${adv.containerGrade}</h2>` : '<h2>Container content</h2>';
    return { text: `<html><head><title>Container advisory ${adv.id}</title></head><body>${grade}</body></html>`, headers: { 'content-type': 'text/html; charset=utf-8' } };
  }
}

export async function startErrataSimulator(opts: ErrataSimulatorOptions = {}): Promise<ErrataSimulator> {
  const sim = new ErrataSimulator(opts);
  await sim.server.listen(opts.port ?? 0);
  return sim;
}
