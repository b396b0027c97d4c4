/**
 * Simulated CKI DataWarehouse behind real HTTP (node:http, 127.0.0.1, ephemeral port), with the
 * endpoints the CKI notifier reads:
 *
 *   GET /api/1/kcidb/checkouts/:id                    (KCIDB id or integer iid)
 *   GET /api/1/kcidb/checkouts/:id/builds             paginated (limit/offset, absolute `next`)
 *   GET /api/1/kcidb/builds/:id/tests                 paginated
 *   GET /api/1/kcidb/checkouts/:id/issueoccurrences   paginated, the whole checkout tree
 *   GET /api/1/kcidb/checkouts/:id/all                the whole tree in one answer, KCIDB style
 *                                                     (`treeEndpoint: false` answers 404, as a
 *                                                     DataWarehouse without it would)
 *
 * plus the GitLab merge request endpoint the stale rule reads, so MR URLs seeded into checkouts can
 * point at this server:
 *
 *   GET /api/v4/projects/:path/merge_requests/:iid
 *
 * State is in memory; seed it, change it while a test runs (e.g. flags persisted late: the race),
 * read back every call, inject faults (status, Retry-After, latency). Production code never
 * imports this module.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DwBuild, DwCheckout, DwIssueOccurrence, DwTest } from '../../integrations/datawarehouse.ts';

export interface DwCall {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** `token` when the right DataWarehouse token was sent, `gitlab` for GitLab calls, else what was wrong. */
  auth: 'token' | 'missing' | 'wrong' | 'gitlab';
  fault?: string;
}

export interface DwFault {
  /** Tested against the decoded path (no query string). */
  path: string | RegExp;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Matching calls affected; default 1, Infinity for all. */
  times?: number;
}

export interface SimMergeRequest {
  state: 'opened' | 'merged' | 'closed' | 'locked';
  draft?: boolean;
  headPipelineId?: number | null;
}

export interface DwSeed {
  checkouts?: DwCheckout[];
  builds?: DwBuild[];
  tests?: DwTest[];
  issueOccurrences?: DwIssueOccurrence[];
}

export interface SimulatedDataWarehouseOptions {
  /** Required DRF token; unset accepts any caller. */
  token?: string;
  /** Largest page the server hands out, whatever `limit` asks for. */
  maxPageSize?: number;
  /** Latency added to every call. */
  latencyMs?: number;
  /** Serve `/checkouts/:id/all` (default true). */
  treeEndpoint?: boolean;
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

/** Sends `body` as JSON; the size of the answer in bytes. */
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number => {
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.toString(), ...headers });
  res.end(text);
  return bytes;
};

export class SimulatedDataWarehouse {
  readonly url: string;
  private readonly server: Server;
  private readonly opts: SimulatedDataWarehouseOptions;
  private readonly checkouts = new Map<string, DwCheckout>();
  private readonly builds = new Map<string, DwBuild>();
  private readonly tests = new Map<string, DwTest>();
  private occurrences: DwIssueOccurrence[] = [];
  /** Indexes so list endpoints stay O(answer) with many seeded checkouts (benches seed thousands). */
  private readonly buildsByCheckout = new Map<string, Set<string>>();
  private readonly testsByBuild = new Map<string, Set<string>>();
  private readonly checkoutByIid = new Map<string, string>();
  private readonly mrs = new Map<string, SimMergeRequest>();
  private readonly faults: (DwFault & { left: number })[] = [];
  private readonly log: DwCall[] = [];
  private seq = 0;
  /** Bytes of the answer bodies served by the routes (not faults), since start or `clearCalls`. */
  private bytesServed = 0;

  private constructor(server: Server, url: string, opts: SimulatedDataWarehouseOptions) {
    this.server = server;
    this.url = url;
    this.opts = opts;
  }

  static async start(opts: SimulatedDataWarehouseOptions = {}): Promise<SimulatedDataWarehouse> {
    const holder: { sim?: SimulatedDataWarehouse } = {};
    const server = createServer((req, res) => {
      holder.sim?.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) json(res, 500, { detail: `simulator error: ${e instanceof Error ? e.message : String(e)}` });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.sim = new SimulatedDataWarehouse(server, `http://127.0.0.1:${port}`, opts);
    return holder.sim;
  }

  // --- seeding and state -------------------------------------------------------------------------

  /** Seed one or more checkouts with their builds, tests and issue occurrences. */
  seedTree(...trees: { checkout: DwCheckout; builds: DwBuild[]; tests: DwTest[]; issueOccurrences: DwIssueOccurrence[] }[]): void {
    for (const t of trees) this.seed({ checkouts: [t.checkout], builds: t.builds, tests: t.tests, issueOccurrences: t.issueOccurrences });
  }

  seed(data: DwSeed): void {
    for (const c of data.checkouts ?? []) {
      this.checkouts.set(c.id, structuredClone(c));
      if (c.misc?.iid != null) this.checkoutByIid.set(String(c.misc.iid), c.id);
    }
    for (const b of data.builds ?? []) {
      this.builds.set(b.id, structuredClone(b));
      index(this.buildsByCheckout, b.checkout_id, b.id);
    }
    for (const t of data.tests ?? []) {
      this.tests.set(t.id, structuredClone(t));
      index(this.testsByBuild, t.build_id, t.id);
    }
    this.occurrences.push(...(data.issueOccurrences ?? []).map((o) => structuredClone(o)));
  }

  /** Merge fields into a checkout's misc (e.g. DataWarehouse persisting ready_to_report late). */
  patchCheckoutMisc(id: string, misc: Record<string, unknown>): void {
    const c = this.checkouts.get(id);
    if (!c) throw new Error(`simulated DataWarehouse has no checkout ${id}`);
    c.misc = { ...(c.misc ?? {}), ...misc } as DwCheckout['misc'];
  }

  setTestStatus(id: string, status: string): void {
    const t = this.tests.get(id);
    if (!t) throw new Error(`simulated DataWarehouse has no test ${id}`);
    t.status = status;
  }

  addIssueOccurrence(o: DwIssueOccurrence): void {
    this.occurrences.push(structuredClone(o));
  }

  removeIssueOccurrences(predicate: (o: DwIssueOccurrence) => boolean): void {
    this.occurrences = this.occurrences.filter((o) => !predicate(o));
  }

  /** The URL a checkout's misc.related_merge_request.url should carry to reach this server. */
  mergeRequestUrl(project: string, iid: number): string {
    return `${this.url}/${project}/-/merge_requests/${iid}`;
  }

  setMergeRequest(project: string, iid: number, mr: SimMergeRequest): void {
    this.mrs.set(`${project}!${iid}`, { ...mr });
  }

  injectFault(fault: DwFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  calls(): DwCall[] {
    return this.log.map((c) => ({ ...c, query: { ...c.query } }));
  }

  clearCalls(): void {
    this.log.length = 0;
    this.bytesServed = 0;
  }

  /** Bytes of the answer bodies served since start or the last `clearCalls` (the benchmark's transfer figure). */
  servedBytes(): number {
    return this.bytesServed;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((e) => (e ? reject(e) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // --- HTTP ----------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(u.pathname);
    const query = Object.fromEntries(u.searchParams);
    const isGitLab = path.startsWith('/api/v4/');
    const auth = isGitLab ? 'gitlab' : this.checkAuth(req);
    const record = (status: number, fault?: string) => {
      this.log.push({ seq: ++this.seq, method: req.method ?? 'GET', path, query, status, auth, ...(fault ? { fault } : {}) });
    };
    req.resume();

    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    const fault = this.faults.find((f) => f.left > 0 && (typeof f.path === 'string' ? f.path === path : f.path.test(path)));
    if (fault) {
      fault.left--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status) {
        record(fault.status, `injected ${fault.status}`);
        json(res, fault.status, { detail: 'injected fault' }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
        return;
      }
    }
    if (req.method !== 'GET') {
      record(405);
      json(res, 405, { detail: `Method "${req.method}" not allowed.` });
      return;
    }
    if (auth === 'missing' || auth === 'wrong') {
      record(401);
      json(res, 401, { detail: 'Invalid token.' });
      return;
    }
    const answer = this.route(path, u.searchParams);
    record(answer.status);
    this.bytesServed += json(res, answer.status, answer.body);
  }

  private checkAuth(req: IncomingMessage): DwCall['auth'] {
    if (!this.opts.token) return 'token';
    const h = req.headers.authorization;
    if (!h) return 'missing';
    return h === `Token ${this.opts.token}` ? 'token' : 'wrong';
  }

  private route(path: string, params: URLSearchParams): { status: number; body: unknown } {
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/1\/kcidb\/checkouts\/([^/]+)\/?$/.exec(path))) {
      const c = this.findCheckout(m[1] as string);
      return c ? { status: 200, body: c } : { status: 404, body: { detail: 'Not found.' } };
    }
    if ((m = /^\/api\/1\/kcidb\/checkouts\/([^/]+)\/builds\/?$/.exec(path))) {
      const c = this.findCheckout(m[1] as string);
      if (!c) return { status: 404, body: { detail: 'Not found.' } };
      return { status: 200, body: this.page(path, params, this.buildsOf(c.id)) };
    }
    if ((m = /^\/api\/1\/kcidb\/builds\/([^/]+)\/tests\/?$/.exec(path))) {
      const b = this.builds.get(m[1] as string) ?? [...this.builds.values()].find((x) => String(x.misc?.iid) === m![1]);
      if (!b) return { status: 404, body: { detail: 'Not found.' } };
      return { status: 200, body: this.page(path, params, this.testsOf(b.id)) };
    }
    if ((m = /^\/api\/1\/kcidb\/checkouts\/([^/]+)\/issueoccurrences\/?$/.exec(path))) {
      const c = this.findCheckout(m[1] as string);
      if (!c) return { status: 404, body: { detail: 'Not found.' } };
      return { status: 200, body: this.page(path, params, this.occurrencesOf(c.id)) };
    }
    if ((m = /^\/api\/1\/kcidb\/checkouts\/([^/]+)\/all\/?$/.exec(path)) && this.opts.treeEndpoint !== false) {
      const c = this.findCheckout(m[1] as string);
      if (!c) return { status: 404, body: { detail: 'Not found.' } };
      const builds = this.buildsOf(c.id);
      return {
        status: 200,
        body: { version: { major: 4, minor: 3 }, checkouts: [c], builds, tests: builds.flatMap((b) => this.testsOf(b.id)), issueoccurrences: this.occurrencesOf(c.id) },
      };
    }
    if ((m = /^\/api\/v4\/projects\/(.+)\/merge_requests\/(\d+)\/?$/.exec(path))) {
      const mr = this.mrs.get(`${m[1]}!${m[2]}`);
      if (!mr) return { status: 404, body: { message: '404 Not found' } };
      return {
        status: 200,
        body: {
          iid: Number(m[2]),
          state: mr.state,
          draft: mr.draft ?? false,
          work_in_progress: mr.draft ?? false,
          head_pipeline: mr.headPipelineId ? { id: mr.headPipelineId, status: 'success' } : null,
          web_url: this.mergeRequestUrl(m[1] as string, Number(m[2])),
        },
      };
    }
    return { status: 404, body: { detail: 'Not found.' } };
  }

  private findCheckout(idOrIid: string): DwCheckout | undefined {
    const byIid = this.checkoutByIid.get(idOrIid);
    return this.checkouts.get(idOrIid) ?? (byIid ? this.checkouts.get(byIid) : undefined);
  }

  /** Occurrences attached to the checkout, one of its builds or one of their tests. */
  private occurrencesOf(checkoutId: string): DwIssueOccurrence[] {
    const buildIds = new Set(this.buildsOf(checkoutId).map((b) => b.id));
    const testIds = new Set([...buildIds].flatMap((id) => this.testsOf(id).map((t) => t.id)));
    return this.occurrences.filter((o) => o.checkout_id === checkoutId || (o.build_id && buildIds.has(o.build_id)) || (o.test_id && testIds.has(o.test_id)));
  }

  private buildsOf(checkoutId: string): DwBuild[] {
    return [...(this.buildsByCheckout.get(checkoutId) ?? [])].flatMap((id) => this.builds.get(id) ?? []);
  }

  private testsOf(buildId: string): DwTest[] {
    return [...(this.testsByBuild.get(buildId) ?? [])].flatMap((id) => this.tests.get(id) ?? []);
  }

  private page<T>(path: string, params: URLSearchParams, all: T[]): { count: number; next: string | null; previous: string | null; results: T[] } {
    const max = this.opts.maxPageSize ?? 100;
    const limit = Math.max(1, Math.min(max, Number(params.get('limit') ?? max) || max));
    const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
    const link = (o: number) => {
      const u = new URL(path.split('/').map(encodeURIComponent).join('/'), this.url);
      u.searchParams.set('limit', String(limit));
      u.searchParams.set('offset', String(o));
      return u.toString();
    };
    return {
      count: all.length,
      next: offset + limit < all.length ? link(offset + limit) : null,
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      results: all.slice(offset, offset + limit),
    };
  }
}
