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
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type TransportOptions } from './http.ts';

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

export class DataWarehouseClient implements DataWarehouseReader {
  private readonly http: HttpClient;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(opts: DataWarehouseClientOptions) {
    const token = opts.token;
    this.http = new HttpClient({
      system: SYSTEM,
      baseUrl: opts.baseUrl,
      headers: () => ({ authorization: `Token ${token}` }),
      ...transportOptions(opts),
    });
    this.pageSize = opts.pageSize ?? 100;
    this.maxPages = opts.maxPages ?? 1000;
  }

  async getCheckout(id: string, signal?: AbortSignal): Promise<DwCheckout | undefined> {
    const res = await this.http.request<Response>(`loading checkout ${id}`, {
      path: `api/1/kcidb/checkouts/${seg(id)}`,
      responseType: 'response',
      okStatuses: [404],
      signal,
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new IntegrationError({ system: SYSTEM, operation: `loading checkout ${id}`, status: res.status, cause: e, detail: 'the answer was not JSON' });
    }
    const parsed = dwCheckoutSchema.safeParse(data);
    if (!parsed.success) {
      throw new IntegrationError({
        system: SYSTEM,
        operation: `loading checkout ${id}`,
        status: res.status,
        detail: `unexpected answer: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
    }
    return parsed.data;
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
    let next: string | undefined = this.http.url(path, { limit: this.pageSize, offset: 0 });
    for (let page = 0; next !== undefined; page++) {
      if (page >= this.maxPages || seen.has(next)) {
        throw new IntegrationError({ system: SYSTEM, operation, detail: `pagination did not end (page ${page + 1}, next ${next})` });
      }
      seen.add(next);
      const body: { next?: string | null; results: T[] } = await this.http.request(operation, { path: next, schema, signal });
      out.push(...body.results);
      next = body.next ?? undefined;
    }
    return out;
  }
}
