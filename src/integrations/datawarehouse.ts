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
 * - DRF token auth: `Authorization: Token <DATAWAREHOUSE_TOKEN>`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { z } from 'zod';
import { callSignal } from './call-signal.ts';
import { IntegrationError, parseRetryAfter, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';

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

/** What the notifier needs from DataWarehouse; the fake in tests and the real client both fit it. */
export interface DataWarehouseReader {
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
}

const seg = (id: string) => encodeURIComponent(id);

/** One answer of DataWarehouse: status, Retry-After and the body as text. */
interface RawAnswer {
  status: number;
  retryAfter: string | undefined;
  text: string;
}

/** A GET of `url` that rejects on timeout (`TimeoutError`) or when `signal` aborts (`AbortError`). */
type RawGet = (url: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal | undefined) => Promise<RawAnswer>;

const timeoutError = (ms: number) => Object.assign(new Error(`timed out after ${ms} ms`), { name: 'TimeoutError' });
const abortError = (signal: AbortSignal) => Object.assign(new Error('cancelled', { cause: signal.reason }), { name: 'AbortError' });

/**
 * GET over an undici connection pool per origin (keep-alive sockets, HTTP/1.1): the notifier reads
 * DataWarehouse two to four times per message, and the client side of each read was most of its
 * CPU (issue 22). Measured against a local server answering after 5 ms, client CPU per GET with a
 * 1.5 KB JSON body: fetch ~250 us, node:http with a URL string ~130 us, node:http with parsed
 * options ~100 us, undici `dispatch` ~50 us (bench/cki-notifier.bench.ts prints this floor).
 * Same contract as a fetch with a timeout: one timer per attempt, the caller's signal honoured
 * through one listener, the request aborted (its socket destroyed) on either.
 */
function keepAliveGet(): { get: RawGet; close: () => void } {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: 64, keepAliveTimeout: 4_000 })));
    return pool;
  };
  const get: RawGet = (url, headers, timeoutMs, signal) =>
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
      let retryAfter: string | undefined;
      poolFor(origin).dispatch(
        { origin, path, method: 'GET', headers },
        {
          onRequestStart(c) {
            controller = c;
            // Timed out or cancelled while the request waited for a free connection.
            if (failed) c.abort(failed);
          },
          onResponseStart(_c, statusCode, resHeaders) {
            status = statusCode;
            const ra = resHeaders['retry-after'];
            retryAfter = Array.isArray(ra) ? ra[0] : ra;
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (settled) return;
            settled = true;
            done();
            resolve({ status, retryAfter, text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
          },
          onResponseError(_c, e) {
            fail(e);
          },
        },
      );
    });
  return {
    get,
    close: () => {
      for (const pool of pools.values()) void pool.destroy().catch(() => undefined);
      pools.clear();
    },
  };
}

/** The same GET through a caller's fetch (tests that hand one in). */
function fetchGet(fetchImpl: FetchLike): RawGet {
  return async (url, headers, timeoutMs, signal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetchImpl(url, { method: 'GET', headers, signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (timeout.aborted) throw timeoutError(timeoutMs);
      throw e;
    }
    return { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, text: await res.text() };
  };
}

function schemaDetail(e: z.ZodError): string {
  return `unexpected answer: ${e.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}

export class DataWarehouseClient implements DataWarehouseReader {
  private readonly baseUrl: string;
  /** The base URL, normalised once, ending with `/`: request URLs are this plus a relative path. */
  private readonly apiBase: string;
  /** Origin of the base URL (where `next` links are asked). */
  private readonly ownOrigin: string;
  private readonly headers: Record<string, string>;
  private readonly get: RawGet;
  private readonly closeTransport: () => void;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly minRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly observer: CallObserver | undefined;

  constructor(opts: DataWarehouseClientOptions) {
    this.baseUrl = opts.baseUrl;
    // Parsed once here rather than per request (joinUrl built a URL and its searchParams for
    // every GET, ~2.5 us each, three GETs per notifier message; issue 22).
    const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.apiBase = base.href;
    this.ownOrigin = base.origin;
    this.headers = { accept: 'application/json', authorization: `Token ${opts.token}` };
    if (opts.fetch) {
      this.get = fetchGet(opts.fetch);
      this.closeTransport = () => undefined;
    } else {
      const t = keepAliveGet();
      this.get = t.get;
      this.closeTransport = t.close;
    }
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 3;
    this.minRetryDelayMs = opts.minRetryDelayMs ?? 250;
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 8_000;
    this.observer = opts.observer;
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.closeTransport();
  }

  async getCheckout(id: string, signal?: AbortSignal): Promise<DwCheckout | undefined> {
    const operation = `loading checkout ${id}`;
    const res = await this.request(operation, `${this.apiBase}api/1/kcidb/checkouts/${seg(id)}`, signal, [404]);
    if (res.status === 404) return undefined;
    return this.parse(operation, res, dwCheckoutSchema);
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
      const body: { next?: string | null; results: T[] } = this.parse(operation, await this.request(operation, next, signal), schema);
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

  private parse<T>(operation: string, res: RawAnswer, schema: z.ZodType<T>): T {
    let data: unknown;
    try {
      data = JSON.parse(res.text);
    } catch (e) {
      throw new IntegrationError({ system: SYSTEM, operation, status: res.status, cause: e, detail: 'the answer was not JSON', body: res.text.slice(0, 500) });
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new IntegrationError({ system: SYSTEM, operation, status: res.status, detail: schemaDetail(parsed.error) });
    return parsed.data;
  }

  /**
   * One GET with the HttpClient contract (http.ts): a timeout per attempt, the caller's and the
   * running command's signal, 429/5xx/network failures retried with exponential backoff and
   * Retry-After (at most a minute), every failure an IntegrationError, the observer told per attempt.
   */
  private async request(operation: string, url: string, explicit: AbortSignal | undefined, okStatuses: readonly number[] = []): Promise<RawAnswer> {
    const signal = callSignal(explicit);
    for (let attempt = 1; ; attempt++) {
      let failure: IntegrationError;
      const started = performance.now();
      try {
        const res = await this.get(url, this.headers, this.timeoutMs, signal);
        this.observer?.({ system: SYSTEM, operation, status: res.status, durationMs: performance.now() - started });
        if ((res.status >= 200 && res.status < 300) || okStatuses.includes(res.status)) return res;
        failure = new IntegrationError({
          system: SYSTEM,
          operation,
          status: res.status,
          retryable: res.status === 429 || res.status >= 500,
          retryAfterMs: parseRetryAfter(res.retryAfter ?? null),
          body: res.text.slice(0, 2000),
        });
      } catch (e) {
        const cancelled = signal?.aborted === true;
        const timedOut = !cancelled && e instanceof Error && e.name === 'TimeoutError';
        this.observer?.({ system: SYSTEM, operation, status: timedOut ? 'timeout' : 'error', durationMs: performance.now() - started });
        if (cancelled) throw new IntegrationError({ system: SYSTEM, operation, cause: e, detail: 'cancelled', retryable: false });
        failure = new IntegrationError({
          system: SYSTEM,
          operation,
          cause: e,
          retryable: true,
          detail: timedOut ? `timed out after ${this.timeoutMs} ms` : e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e),
        });
      }
      if (!failure.retryable || attempt > this.retries) throw failure;
      const backoff = Math.min(this.maxRetryDelayMs, this.minRetryDelayMs * 2 ** (attempt - 1));
      const wait = Math.max(backoff, Math.min(failure.retryAfterMs ?? 0, 60_000));
      try {
        await delay(wait, undefined, signal ? { signal } : undefined);
      } catch (e) {
        throw new IntegrationError({ system: SYSTEM, operation, cause: e, detail: 'cancelled', retryable: false });
      }
    }
  }
}
