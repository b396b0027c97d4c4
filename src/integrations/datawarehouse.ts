/**
 * DataWarehouse (CKI's KCIDB database) REST client: checkouts, builds, tests and issue
 * occurrences, following Django REST Framework pagination (`{count, next, previous, results}`).
 *
 * Observed in the DataWarehouse API docs: `/api/1/kcidb/checkouts/$id`, `/api/1/kcidb/checkouts/$id/builds`,
 * `/api/1/kcidb/builds/$id/tests`, `$id` being the KCIDB id (`redhat:123`) or the integer iid.
 * RECONSTRUCTED (not observed, see docs/cki-notifier.md):
 * - issue occurrences of a whole checkout tree at `/api/1/kcidb/checkouts/$id/issueoccurrences`, each
 *   naming the object it is attached to (`checkout_id` / `build_id` / `test_id` / `testresult_id`)
 *   and whether the occurrence is a regression (`is_regression`);
 * - the whole tree of one checkout in one answer at `/api/1/kcidb/checkouts/$id/all`, KCIDB style:
 *   `{version, checkouts, builds, tests, issueoccurrences}` (cki-notifier.md §6: "prefer it if
 *   present, otherwise walk checkout → builds → tests"); see `getCheckoutTree`;
 * - DRF token auth: `Authorization: Token <DATAWAREHOUSE_TOKEN>`.
 */
import { Pool, type Dispatcher } from 'undici';
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type RawAnswer, type RawRequest, type RawTransport, type TransportOptions } from './http.ts';

export const DATAWAREHOUSE_SYSTEM = 'DataWarehouse';
const SYSTEM = DATAWAREHOUSE_SYSTEM;

const nstr = () => z.string().nullish();
const nbool = () => z.boolean().nullish();

export const dwCheckoutMiscSchema = z.looseObject({
  iid: z.number().int().nullish(),
  retrigger: nbool(),
  ready_to_report: nbool(),
  notification_sent_build_setups_finished: nbool(),
  pipeline: z.looseObject({ id: z.number().int().nullish(), url: nstr() }).nullish(),
  related_merge_request: z.looseObject({ url: z.string() }).nullish(),
  submitter: nstr(),
  source_package_name: nstr(),
  source_package_version: nstr(),
  source_package_release: nstr(),
  patchset_modified_files: z.array(z.union([z.string(), z.looseObject({ path: z.string() })])).nullish(),
});

export const dwCheckoutSchema = z.looseObject({
  id: z.string().min(1),
  origin: z.string(),
  tree_name: nstr(),
  git_repository_url: nstr(),
  git_repository_branch: nstr(),
  git_commit_hash: nstr(),
  start_time: nstr(),
  valid: nbool(),
  patchset_files: z.array(z.looseObject({ url: z.string(), name: nstr() })).nullish(),
  misc: dwCheckoutMiscSchema.nullish(),
});

const outputFileSchema = z.looseObject({ name: z.string(), url: z.string() });

export const dwBuildSchema = z.looseObject({
  id: z.string().min(1),
  checkout_id: z.string(),
  origin: z.string(),
  architecture: nstr(),
  /** KCIDB v4 verdict. */
  valid: nbool(),
  /** KCIDB v5 verdict (FAIL, ERROR, MISS, PASS, DONE, SKIP); preferred over `valid` when present. */
  status: nstr(),
  output_files: z.array(outputFileSchema).nullish(),
  misc: z
    .looseObject({
      iid: z.number().int().nullish(),
      kpet_tree_name: nstr(),
      kpet_tree_family: nstr(),
      debug: nbool(),
      package_name: nstr(),
      package_version: nstr(),
      package_release: nstr(),
    })
    .nullish(),
});

export const dwTestSchema = z.looseObject({
  id: z.string().min(1),
  build_id: z.string(),
  origin: z.string(),
  path: nstr(),
  status: nstr(),
  waived: nbool(),
  misc: z.looseObject({ iid: z.number().int().nullish() }).nullish(),
});

export const dwIssueOccurrenceSchema = z.looseObject({
  issue: z.looseObject({
    id: z.number().int(),
    description: nstr(),
    kind: z.looseObject({ tag: nstr(), description: nstr() }).nullish(),
  }),
  is_regression: nbool(),
  checkout_id: nstr(),
  build_id: nstr(),
  test_id: nstr(),
  testresult_id: nstr(),
});

export type DwCheckout = z.output<typeof dwCheckoutSchema>;
export type DwBuild = z.output<typeof dwBuildSchema>;
export type DwTest = z.output<typeof dwTestSchema>;
export type DwIssueOccurrence = z.output<typeof dwIssueOccurrenceSchema>;

function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ count: z.number().int().optional(), next: z.string().nullish(), previous: z.string().nullish(), results: z.array(item) });
}

// Built once: zod compiles a schema on first use, and these are used on every list call.
const buildPageSchema = pageSchema(dwBuildSchema);
const testPageSchema = pageSchema(dwTestSchema);
const occurrencePageSchema = pageSchema(dwIssueOccurrenceSchema);

/**
 * The answer of `/checkouts/$id/all`: the objects as the single-object endpoints serialise them.
 * A plain object schema, so a `version` or anything else beside the lists is dropped, not copied.
 * KCIDB documents leave empty lists out (a checkout whose builds all failed has no `tests`), so
 * only `checkouts` is required; issue occurrences absent or null were not carried.
 */
const treeSchema = z.object({
  checkouts: z.array(dwCheckoutSchema),
  builds: z.array(dwBuildSchema).nullish(),
  tests: z.array(dwTestSchema).nullish(),
  issueoccurrences: z.array(dwIssueOccurrenceSchema).nullish(),
});

/** One checkout with everything under it, read in one request. */
export interface DwCheckoutTree {
  checkout: DwCheckout;
  builds: DwBuild[];
  /** The tests of those builds. */
  tests: DwTest[];
  /** Absent when the answer did not carry them: read them with `listIssueOccurrences`. */
  issueOccurrences?: DwIssueOccurrence[];
}

/**
 * What `getCheckoutTree` found: the tree; that DataWarehouse does not know the checkout; or that
 * this DataWarehouse has no tree endpoint (configured so, or learned), so the caller walks
 * checkout → builds → tests, starting from `checkout` when finding that out already read it.
 */
export type DwTreeAnswer = { kind: 'tree'; tree: DwCheckoutTree } | { kind: 'missing' } | { kind: 'walk'; checkout?: DwCheckout };

/**
 * CKI_DATAWAREHOUSE_TREE: `auto` asks `/all` and falls back to the walk for good once the server
 * shows, before `/all` ever answered, that it has no such endpoint (a 404 for a checkout that
 * exists, or an answer of another shape); `tree` makes that finding an error; `walk` never asks.
 */
export type DwTreeMode = 'auto' | 'tree' | 'walk';

/** What the notifier needs from DataWarehouse; the fake in tests and the real client both fit it. */
export interface DataWarehouseReader {
  /** One request instead of 2–4; a reader without it is walked. */
  getCheckoutTree?(id: string, signal?: AbortSignal): Promise<DwTreeAnswer>;
  /** undefined when DataWarehouse does not know the checkout (404). */
  getCheckout(id: string, signal?: AbortSignal): Promise<DwCheckout | undefined>;
  listBuilds(checkoutId: string, signal?: AbortSignal): Promise<DwBuild[]>;
  listTests(buildId: string, signal?: AbortSignal): Promise<DwTest[]>;
  listIssueOccurrences(checkoutId: string, signal?: AbortSignal): Promise<DwIssueOccurrence[]>;
}

export interface DataWarehouseClientOptions extends TransportOptions {
  baseUrl: string;
  token: string;
  /** `limit` asked for on list endpoints (the server may answer with less). */
  pageSize?: number;
  /** Guard against a server whose `next` never ends. */
  maxPages?: number;
  /** Whether to read a checkout's tree in one request (default `auto`). */
  tree?: DwTreeMode;
  /** Told once, when `auto` finds that this DataWarehouse has no tree endpoint. */
  onNoTree?: (reason: string) => void;
  /** Told when the tree endpoint, known to work, gave nothing usable for one checkout (which is then walked). */
  onTreeRefused?: (reason: string) => void;
}

const seg = (id: string) => encodeURIComponent(id);

/** Statuses a server without a route answers with (Django: 404; proxies and others: 400, 405). A 5xx is retried as any. */
const NO_ROUTE_STATUSES = new Set([400, 404, 405]);

const timeoutError = (ms: number) => Object.assign(new Error(`timed out after ${ms} ms`), { name: 'TimeoutError' });
const abortError = (signal: AbortSignal) => Object.assign(new Error('cancelled', { cause: signal.reason }), { name: 'AbortError' });

/**
 * HttpClient's raw transport over an undici connection pool per origin (keep-alive sockets,
 * HTTP/1.1): the notifier reads DataWarehouse two to four times per message, and the client side
 * of each read was most of its CPU (issue 22). Measured against a local server answering after
 * 5 ms, client CPU per GET with a 1.5 KB JSON body: fetch ~250 us, node:http with a URL string
 * ~130 us, node:http with parsed options ~100 us, undici `dispatch` ~50 us
 * (bench/cki-notifier.bench.ts prints this floor). Same contract as a fetch with a timeout: one
 * timer per attempt, the caller's signal honoured through one listener, the request aborted (its
 * socket destroyed) on either.
 */
function undiciTransport(): RawTransport & { close: () => void } {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: 64, keepAliveTimeout: 4_000 })));
    return pool;
  };
  const send = ({ method, url, headers, body, timeoutMs, signal }: RawRequest) =>
    new Promise<RawAnswer>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      // `next` links of DRF pagination are absolute: split the origin off without a URL object.
      const slash = url.indexOf('/', url.indexOf('//') + 2);
      const origin = slash < 0 ? url : url.slice(0, slash);
      const path = slash < 0 ? '/' : url.slice(slash);
      let controller: Dispatcher.DispatchController | undefined;
      let failed: Error | undefined;
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        done();
        failed = e;
        controller?.abort(e);
        reject(e);
      };
      const onAbort = () => fail(abortError(signal!));
      const timer = setTimeout(() => fail(timeoutError(timeoutMs)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const chunks: Buffer[] = [];
      let status = 0;
      let resHeaders: RawAnswer['headers'] = {};
      poolFor(origin).dispatch(
        { origin, path, method: method as Dispatcher.HttpMethod, headers, body: body ?? null },
        {
          onRequestStart(c) {
            controller = c;
            // Timed out or cancelled while the request waited for a free connection.
            if (failed) c.abort(failed);
          },
          onResponseStart(_c, statusCode, h) {
            status = statusCode;
            resHeaders = h;
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (settled) return;
            settled = true;
            done();
            resolve({ status, headers: resHeaders, text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
          },
          onResponseError(_c, e) {
            fail(e);
          },
        },
      );
    });
  return {
    send,
    close: () => {
      for (const pool of pools.values()) void pool.destroy().catch(() => undefined);
      pools.clear();
    },
  };
}

export class DataWarehouseClient implements DataWarehouseReader {
  private readonly baseUrl: string;
  /** The base URL, normalised once, ending with `/`: request URLs are this plus a relative path. */
  private readonly apiBase: string;
  /** Origin of the base URL (where `next` links are asked). */
  private readonly ownOrigin: string;
  private readonly http: HttpClient;
  private readonly closeTransport: () => void;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly treeMode: DwTreeMode;
  /** What this client knows of the server's tree endpoint: `auto` starts unknown. */
  private treeEndpoint: 'unknown' | 'present' | 'absent';
  private readonly onNoTree: ((reason: string) => void) | undefined;
  private readonly onTreeRefused: ((reason: string) => void) | undefined;

  constructor(opts: DataWarehouseClientOptions) {
    this.baseUrl = opts.baseUrl;
    // Parsed once here rather than per request (issue 22).
    const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.apiBase = base.href;
    this.ownOrigin = base.origin;
    const auth = { authorization: `Token ${opts.token}` };
    // A caller's fetch (tests) is used as is; otherwise the undici pool.
    const transport = opts.fetch ? undefined : undiciTransport();
    this.closeTransport = transport ? transport.close : () => undefined;
    this.http = new HttpClient({ system: SYSTEM, baseUrl: this.apiBase, headers: () => auth, ...transportOptions(opts), ...(transport ? { transport } : {}) });
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 1000;
    this.treeMode = opts.tree ?? 'auto';
    this.treeEndpoint = this.treeMode === 'walk' ? 'absent' : 'unknown';
    this.onNoTree = opts.onNoTree;
    this.onTreeRefused = opts.onTreeRefused;
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.closeTransport();
  }

  async getCheckout(id: string, signal?: AbortSignal): Promise<DwCheckout | undefined> {
    try {
      return await this.http.request(`loading checkout ${id}`, { path: `${this.apiBase}api/1/kcidb/checkouts/${seg(id)}`, schema: dwCheckoutSchema, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (e instanceof IntegrationError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * The checkout, its builds and their tests (and issue occurrences when the answer has them) in
   * one request. Whether the endpoint exists is not documented (cki-notifier.md §6), so a 404 (or
   * 400/405) is always checked against the checkout endpoint, whose 404 alone means the checkout
   * is unknown. Before `/all` has ever answered, a checkout that exists means there is no tree
   * endpoint (`auto`: walk from now on; `tree`: an error, so a wrong setting is loud instead of
   * silent); an answer of another shape, not JSON included (a proxy's page), is the same finding.
   * Once `/all` has answered well, either is a fault of that one answer: that checkout is walked
   * (`onTreeRefused`) and the next one asks `/all` again.
   */
  async getCheckoutTree(id: string, signal?: AbortSignal): Promise<DwTreeAnswer> {
    if (this.treeEndpoint === 'absent') return { kind: 'walk' };
    const operation = `loading the tree of checkout ${id}`;
    let answer: z.output<typeof treeSchema>;
    try {
      answer = await this.http.request(operation, { path: `${this.apiBase}api/1/kcidb/checkouts/${seg(id)}/all`, schema: treeSchema, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (!(e instanceof IntegrationError)) throw e;
      const status = e.status;
      // A 2xx HttpClient refused: not JSON (a proxy's page), or another shape.
      if (status !== undefined && status >= 200 && status < 300) return this.refused(operation, `/all of checkout ${id}: ${e.detail ?? e.message}`, status);
      if (status === undefined || !NO_ROUTE_STATUSES.has(status)) {
        // The endpoint works, but this tree failed past its retries (a server error, a timeout:
        // a large tree can be slow): the walk's small reads may still get through.
        if (this.treeEndpoint === 'present' && e.retryable && status !== 429 && !signal?.aborted) {
          return this.refused(operation, `/all of checkout ${id} failed (${e.message})`, status ?? 0);
        }
        throw e;
      }
      const checkout = await this.getCheckout(id, signal);
      if (!checkout) return { kind: 'missing' };
      return this.refused(operation, `DataWarehouse answered ${status} to /all of checkout ${id}, which exists`, status, checkout);
    }
    const checkout = answer.checkouts.find((c) => c.id === id) ?? answer.checkouts.find((c) => String(c.misc?.iid) === id);
    if (!checkout) return this.refused(operation, `/all of checkout ${id}: the answer does not hold checkout ${id}`, 200);
    // Only unknown -> present: an answer that was in flight when the endpoint was found absent changes nothing.
    if (this.treeEndpoint === 'unknown') this.treeEndpoint = 'present';
    const { builds: allBuilds, tests: allTests, issueoccurrences } = answer;
    const builds = (allBuilds ?? []).filter((b) => b.checkout_id === checkout.id);
    const buildIds = new Set(builds.map((b) => b.id));
    const tests = (allTests ?? []).filter((t) => buildIds.has(t.build_id));
    return { kind: 'tree', tree: { checkout, builds, tests, ...(issueoccurrences ? { issueOccurrences: issueoccurrences } : {}) } };
  }

  /** `/all` gave nothing usable for a checkout that exists (or an unusable answer): walk it, and decide what that says about the endpoint. */
  private refused(operation: string, reason: string, status: number, checkout?: DwCheckout): DwTreeAnswer {
    const walk: DwTreeAnswer = checkout ? { kind: 'walk', checkout } : { kind: 'walk' };
    if (this.treeEndpoint === 'present') {
      this.onTreeRefused?.(`${reason}: walking this checkout`);
      return walk;
    }
    if (this.treeMode === 'tree') {
      const userMessage = `DataWarehouse has no usable tree endpoint (${reason}): CKI_DATAWAREHOUSE_TREE=tree needs it; auto or walk read checkout, builds and tests one by one`;
      throw new IntegrationError({ system: SYSTEM, operation, status, userMessage });
    }
    if (this.treeEndpoint !== 'absent') {
      this.treeEndpoint = 'absent';
      this.onNoTree?.(`${reason}: reading checkout, builds and tests one by one from now on`);
    }
    return walk;
  }

  listBuilds(checkoutId: string, signal?: AbortSignal): Promise<DwBuild[]> {
    return this.paginate(`listing builds of checkout ${checkoutId}`, `api/1/kcidb/checkouts/${seg(checkoutId)}/builds`, buildPageSchema, signal);
  }

  listTests(buildId: string, signal?: AbortSignal): Promise<DwTest[]> {
    return this.paginate(`listing tests of build ${buildId}`, `api/1/kcidb/builds/${seg(buildId)}/tests`, testPageSchema, signal);
  }

  listIssueOccurrences(checkoutId: string, signal?: AbortSignal): Promise<DwIssueOccurrence[]> {
    return this.paginate(
      `listing issue occurrences of checkout ${checkoutId}`,
      `api/1/kcidb/checkouts/${seg(checkoutId)}/issueoccurrences`,
      occurrencePageSchema,
      signal,
    );
  }

  /** Follows `next` until it is null; a `next` seen before is a server bug, not an endless loop. */
  private async paginate<T>(operation: string, path: string, schema: z.ZodType<{ next?: string | null; results: T[] }>, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `${this.apiBase}${path}?limit=${this.pageSize}&offset=0`;
    for (let page = 0; next !== undefined; page++) {
      if (page >= this.maxPages || seen.has(next)) {
        throw new IntegrationError({ system: SYSTEM, operation, detail: `pagination did not end (page ${page + 1}, next ${next})` });
      }
      seen.add(next);
      const body: { next?: string | null; results: T[] } = await this.http.request(operation, { path: next, schema, ...(signal ? { signal } : {}) });
      for (const item of body.results) out.push(item);
      next = body.next ? this.onOwnOrigin(body.next) : undefined;
    }
    return out;
  }

  /**
   * A `next` link is followed on the configured origin only: DRF builds absolute links from the
   * host it sees (behind a proxy, another one), and the token must never go to a host nobody
   * configured. A link to another origin keeps its path and query and is asked of ours.
   */
  private onOwnOrigin(link: string): string {
    const own = this.ownOrigin;
    let url: URL;
    try {
      url = new URL(link, this.baseUrl);
    } catch {
      return link; // not a URL: the request fails with the transport's own error
    }
    return url.origin === own ? url.href : `${own}${url.pathname}${url.search}`;
  }
}
