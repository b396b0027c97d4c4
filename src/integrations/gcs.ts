/**
 * QE test reports from Google Cloud Storage (agents.md 6.8), on the shared HttpClient:
 * - a service-account JSON (GCS_CRED_FILE) signs an RS256 JWT (jose) exchanged for an OAuth
 *   access token (read-only scope), cached until shortly before it expires;
 * - one object listing per run, narrowed with `matchGlob` to the report file (a run directory
 *   holds thousands of artifacts), then one download.
 * The bucket and prefix come from the deck URL (`.../gs/<bucket>/logs/<job>/<run>`); without a
 * `gs/<bucket>` segment the original's `qe-private-deck` and `logs/<job>/<run>` apply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { z } from 'zod';
import { HttpClient, IntegrationError, transportOptions, type CallObserver, type FetchLike, type TransportOptions } from './http.ts';
import { parseQeReport, QE_REPORT_PATTERN, runOfJobUrl, type QeReportSource } from './prow-artifacts.ts';

export const GCS_SYSTEM = 'Google Cloud Storage';
export const DEFAULT_GCS_API_URL = 'https://storage.googleapis.com';
export const DEFAULT_QE_BUCKET = 'qe-private-deck';
const SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';

const ServiceAccountSchema = z.looseObject({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.url().default('https://oauth2.googleapis.com/token'),
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;

/** The service account from GCS_CRED_FILE; "file {path} does not exist" as the original said. */
export function readServiceAccount(path: string): ServiceAccount {
  if (!existsSync(path)) throw new IntegrationError({ system: GCS_SYSTEM, operation: 'reading the service-account file', userMessage: `file ${path} does not exist` });
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new IntegrationError({ system: GCS_SYSTEM, operation: 'reading the service-account file', userMessage: `file ${path} is not a service-account JSON file` });
  }
  const parsed = ServiceAccountSchema.safeParse(data);
  if (!parsed.success) {
    throw new IntegrationError({ system: GCS_SYSTEM, operation: 'reading the service-account file', userMessage: `file ${path} lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')} of a service account` });
  }
  return parsed.data;
}

const TokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive().default(3600) });
const ListSchema = z.looseObject({ items: z.array(z.looseObject({ name: z.string() })).default([]), nextPageToken: z.string().optional() });

/** `{bucket, prefix}` of the run behind a deck URL. */
export function runLocation(jobURL: string): { bucket: string; prefix: string } | null {
  const run = runOfJobUrl(jobURL);
  if (!run) return null;
  const m = /\/gs\/([^/]+)\//.exec(new URL(jobURL).pathname);
  return { bucket: m?.[1] ?? DEFAULT_QE_BUCKET, prefix: `logs/${run.jobName}/${run.runId}` };
}

export interface GcsQeReportsOptions extends TransportOptions {
  account: ServiceAccount;
  apiUrl?: string;
  now?: () => number;
}

export class GcsQeReports implements QeReportSource {
  private readonly http: HttpClient;
  private readonly auth: HttpClient;
  private readonly opts: GcsQeReportsOptions;
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(opts: GcsQeReportsOptions) {
    this.opts = opts;
    const common = transportOptions(opts);
    this.http = new HttpClient({ system: GCS_SYSTEM, baseUrl: (opts.apiUrl ?? DEFAULT_GCS_API_URL).replace(/\/+$/, ''), headers: async () => ({ authorization: `Bearer ${await this.accessToken()}` }), ...common });
    this.auth = new HttpClient({ system: GCS_SYSTEM, baseUrl: opts.account.token_uri, ...common });
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return Promise.resolve(this.token.value);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const { account } = this.opts;
    const iat = Math.floor(this.now() / 1000);
    let key: Awaited<ReturnType<typeof importPKCS8>>;
    try {
      key = await importPKCS8(account.private_key, 'RS256');
    } catch (e) {
      throw new IntegrationError({ system: GCS_SYSTEM, operation: 'signing the token request', cause: e, userMessage: `the private key of service account ${account.client_email} is not a PKCS#8 RSA key` });
    }
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(account.client_email)
      .setAudience(account.token_uri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    const token = await this.auth.request('getting a GCS access token', {
      method: 'POST',
      path: account.token_uri,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // Asking for a token twice is harmless.
      idempotent: true,
      schema: TokenSchema,
    });
    this.token = { value: token.access_token, expiresAt: this.now() + Math.max(0, token.expires_in - 60) * 1000 };
    return token.access_token;
  }

  /** The name of the run's QE report object, or null. */
  async findReport(bucket: string, prefix: string, opts: { signal?: AbortSignal } = {}): Promise<string | null> {
    let pageToken: string | undefined;
    do {
      const page = await this.http.request(`listing the artifacts of ${prefix}`, {
        path: `/storage/v1/b/${encodeURIComponent(bucket)}/o`,
        query: { prefix: `${prefix}/`, matchGlob: '**/openshift-e2e-test-qe-report/artifacts/test-results.yaml', fields: 'items(name),nextPageToken', pageToken },
        schema: ListSchema,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const hit = page.items.find((i) => QE_REPORT_PATTERN.test(i.name));
      if (hit) return hit.name;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return null;
  }

  async qeReport(jobURL: string, opts: { signal?: AbortSignal } = {}): Promise<unknown> {
    const where = runLocation(jobURL);
    if (!where) return null;
    const name = await this.findReport(where.bucket, where.prefix, opts);
    if (!name) return null;
    const text = await this.http.request<string>(`reading ${name}`, {
      path: `/storage/v1/b/${encodeURIComponent(where.bucket)}/o/${encodeURIComponent(name)}`,
      query: { alt: 'media' },
      responseType: 'text',
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return parseQeReport(text);
  }
}

/** The reader for GCS_CRED_FILE (undefined when unset); a set but missing file is an error. */
export function gcsQeReportsFromConfig(config: { GCS_CRED_FILE?: string | undefined; GCS_API_URL?: string | undefined }, deps: { fetch?: FetchLike; observer?: CallObserver } = {}): GcsQeReports | undefined {
  if (!config.GCS_CRED_FILE) return undefined;
  return new GcsQeReports({ account: readServiceAccount(config.GCS_CRED_FILE), ...(config.GCS_API_URL ? { apiUrl: config.GCS_API_URL } : {}), ...deps });
}
