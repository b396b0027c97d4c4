/**
 * ConfigStore (spec oar-commands.md section 4): the per-release configuration every command
 * receives. It combines the JWE-encrypted local config (decrypted with OAR_JWK) and the
 * release's assembly from ART's ocp-build-data `releases.yml`.
 */
import { readFile } from 'node:fs/promises';
import type * as Jose from 'jose';
import { load } from 'js-yaml';
import { LRUCache } from 'lru-cache';
import { cacheClock } from '../cache-clock.ts';
import { onFirstUse } from '../lazy-import.ts';
import { describeError } from '../describe-error.ts';
import { z } from 'zod';
import type { Config } from '../config/env.ts';
import { HttpClient, IntegrationError, type FetchLike } from '../integrations/http.ts';
import { parseRelease, releaseKey, type ReleaseVersion } from './version.ts';

export class ConfigStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigStoreError';
  }
}

const slackContact = z.record(z.string(), z.string());

/** Decrypted local config, validated at load (spec 4.1). Unknown keys are kept. */
export const LocalConfigSchema = z.looseObject({
  build_data_url: z.string().includes('%s', { message: 'must contain one %s placeholder' }),
  owners: z.record(z.string(), z.string()).refine((o) => typeof o.default === 'string', 'owners.default is required'),
  contacts: z.looseObject({
    slack: z.record(z.string(), slackContact),
    email: z.record(z.string(), z.string()).default({}),
  }),
  report_templates: z.record(z.string(), z.string()).optional(),
  jira_server: z.string().optional(),
  jenkins_server: z.string().optional(),
  gitlab_url: z.string().optional(),
  release_url: z.string().optional(),
  signature_url: z.string().optional(),
});
export type LocalConfig = z.infer<typeof LocalConfigSchema>;

export type Flow = 'konflux' | 'errata';

export interface ReleaseMetadata {
  release: string;
  ystream: string;
  advisories: Record<string, number>;
  jira_ticket: string | null;
  candidate_builds: Record<string, string>;
  shipment_mr: string;
  release_date: string;
  flow: Flow;
}

type Assembly = Record<string, unknown>;
type Releases = Record<string, { assembly?: Assembly } | null | undefined>;

/**
 * jose (~45 modules) is loaded on the first decryption, not at startup (issue 22: footprint): the
 * bot connects to Slack and schedules its jobs without it. A jose that cannot load is a
 * ConfigStoreError naming it, like any other ConfigStore failure; the next call tries again.
 */
const importJose = onFirstUse(() => import('jose'));
async function loadJose(): Promise<typeof Jose> {
  try {
    return await importJose();
  } catch (e) {
    throw new ConfigStoreError(`cannot load jose, needed to decrypt the ConfigStore: ${describeError(e)}`, { cause: e });
  }
}

/** Decrypts the compact JWE with the UTF-8 bytes of OAR_JWK as the A128GCM key (spec 4.1). */
export async function decryptLocalConfig(jwe: string, jwk: string | undefined): Promise<LocalConfig> {
  if (!jwk) throw new ConfigStoreError('system environment variable OAR_JWK not found');
  const { compactDecrypt } = await loadJose();
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe.trim(), new TextEncoder().encode(jwk)));
  } catch (e) {
    throw new ConfigStoreError(`cannot decrypt the ConfigStore file with OAR_JWK: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(plaintext));
  } catch (e) {
    throw new ConfigStoreError('the decrypted ConfigStore is not JSON', { cause: e });
  }
  const parsed = LocalConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigStoreError(`the decrypted ConfigStore is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Inverse of decryptLocalConfig: used by the sandbox and tests to produce a config file. */
export async function encryptLocalConfig(config: unknown, jwk: string): Promise<string> {
  const { CompactEncrypt } = await loadJose();
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(config)))
    .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
    .encrypt(new TextEncoder().encode(jwk));
}

function getPath(obj: unknown, segments: string[]): unknown {
  let cur: unknown = obj;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[s];
    if (cur === undefined || cur === null) return null;
  }
  return cur;
}

/**
 * Assembly attribute inheritance (spec 4.3): `<last>!` in the own assembly, then the plain key,
 * then the plain key in the one parent named by basis.assembly. Only null triggers the fallback.
 */
export function getAssemblyAttr(releases: Releases, key: string, keypath: string): unknown {
  const own = releases[key]?.assembly ?? {};
  const segs = keypath.split('/');
  const bang = [...segs.slice(0, -1), `${segs.at(-1)}!`];
  const overridden = getPath(own, bang);
  if (overridden !== null) return overridden;
  const plain = getPath(own, segs);
  if (plain !== null) return plain;
  const parent = getPath(own, ['basis', 'assembly']);
  if (typeof parent === 'string' || typeof parent === 'number') {
    return getPath(releases[String(parent)]?.assembly ?? {}, segs);
  }
  return null;
}

export class ConfigStore {
  readonly release: string;
  readonly version: ReleaseVersion;
  readonly local: LocalConfig;
  readonly buildDataUrl: string;
  private readonly releases: Releases;
  private readonly key: string;
  private ownerOverride: string | undefined;
  private jiraOverride: string | undefined;

  constructor(release: string, local: LocalConfig, releases: Releases, buildDataUrl: string) {
    this.version = parseRelease(release);
    this.release = this.version.raw;
    this.local = local;
    this.releases = releases;
    this.buildDataUrl = buildDataUrl;
    this.key = releaseKey(this.version);
    if (!releases[this.key]) {
      throw new ConfigStoreError(`[${this.release}] ocp build data is not ready you can check file: ${buildDataUrl}`);
    }
  }

  get ystream(): string {
    return this.version.ystream;
  }

  /** The release key of this release's assembly in releases.yml (elliott's `--assembly`). */
  get assembly(): string {
    return this.key;
  }

  /** The z-stream releases (`<y>.<z>`) of this y-stream in releases.yml, in version order. */
  zReleases(): string[] {
    const re = new RegExp(`^${this.ystream.replace('.', '\\.')}\\.(\\d+)$`);
    return Object.keys(this.releases)
      .filter((k) => re.test(k))
      .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  }

  /** Another release of the same y-stream, from the same releases.yml (no further download). */
  sibling(release: string): ConfigStore {
    return new ConfigStore(release, this.local, this.releases, this.buildDataUrl);
  }

  private attr(path: string): unknown {
    return getAssemblyAttr(this.releases, this.key, path);
  }

  /** impetus → advisory id; `microshift` is kept here and excluded by the advisory logic. */
  advisories(): Record<string, number> {
    const raw = this.attr('group/advisories');
    const out: Record<string, number> = {};
    if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        const n = Number(v);
        if (v !== null && v !== undefined && Number.isInteger(n) && n > 0) out[k] = n;
      }
    }
    return out;
  }

  candidateBuilds(): Record<string, string> {
    const raw = this.attr('basis/reference_releases');
    const out: Record<string, string> = {};
    if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (v) out[k] = String(v);
    return out;
  }

  jiraTicket(): string | null {
    if (this.jiraOverride) return this.jiraOverride;
    const t = this.attr('group/release_jira');
    return t ? String(t) : null;
  }

  setJiraTicket(key: string): void {
    this.jiraOverride = key;
  }

  releaseDate(): string {
    const d = this.attr('group/release_date');
    if (d === null || d === undefined || d === '') throw new ConfigStoreError(`release_date not found in assembly config for ${this.release}`);
    // YAML may have parsed an unquoted ISO date.
    return d instanceof Date ? formatReleaseDate(d) : String(d);
  }

  /** URL or '' (spec 2.6). A present shipment mapping without url is a hard error. */
  shipmentMr(): string {
    const s = this.attr('group/shipment');
    if (s === null || s === undefined || s === '') return '';
    if (typeof s !== 'object') throw new ConfigStoreError(`group.shipment of ${this.release} is not a mapping`);
    const url = (s as Record<string, unknown>).url;
    if (url === undefined) throw new ConfigStoreError(`group.shipment of ${this.release} has no url`);
    return url ? String(url) : '';
  }

  flow(): Flow {
    return this.shipmentMr() ? 'konflux' : 'errata';
  }

  isKonfluxFlow(): boolean {
    return this.flow() === 'konflux';
  }

  owner(): string {
    return this.ownerOverride ?? this.local.owners[this.ystream] ?? this.local.owners.default!;
  }

  setOwner(email: string): void {
    this.ownerOverride = email;
  }

  slackContact(team: string): Record<string, string> {
    const c = this.local.contacts.slack[team];
    if (!c) throw new ConfigStoreError(`there is no slack contact found for team ${team}`);
    return c;
  }

  slackChannel(team: string): string {
    const ch = this.slackContact(team).channel;
    if (!ch) throw new ConfigStoreError(`there is no slack channel configured for team ${team}`);
    return ch;
  }

  /** e.g. slackUserGroup('qe-release', '4.19') → the release leads' group handle. */
  slackUserGroup(team: string, attr: string): string | undefined {
    return this.slackContact(team)[attr];
  }

  slackGroupId(team: string): string | undefined {
    return this.slackContact(team).id;
  }

  /** The release leads' Slack user-group handle for this y-stream. */
  releaseLeadGroup(): string | undefined {
    return this.local.contacts.slack['qe-release']?.[this.ystream];
  }

  emailContact(team: string): string {
    const e = this.local.contacts.email[team];
    if (!e) throw new ConfigStoreError(`there is no email contact found for team ${team}`);
    return e;
  }

  prodsecId(): string | undefined {
    return this.local.contacts.slack.approver?.prodsec_id;
  }

  jiraServer(): string | undefined {
    return this.local.jira_server;
  }
  jenkinsServer(): string | undefined {
    return this.local.jenkins_server;
  }
  gitlabUrl(): string | undefined {
    return this.local.gitlab_url;
  }
  releaseUrl(): string | undefined {
    return this.local.release_url;
  }
  signatureUrl(): string | undefined {
    return this.local.signature_url;
  }

  metadata(): ReleaseMetadata {
    let releaseDate = '';
    try {
      releaseDate = this.releaseDate();
    } catch {
      releaseDate = '';
    }
    return {
      release: this.release,
      ystream: this.ystream,
      advisories: this.advisories(),
      jira_ticket: this.jiraTicket(),
      candidate_builds: this.candidateBuilds(),
      shipment_mr: this.shipmentMr(),
      release_date: releaseDate,
      flow: this.flow(),
    };
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function formatReleaseDate(d: Date): string {
  return `${d.getUTCFullYear()}-${MONTHS[d.getUTCMonth()]}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

export interface ConfigStoreLoaderDeps {
  config: Config;
  fetch?: FetchLike;
  /** Read the JWE file; default reads OAR_CONFIG_FILE. */
  readConfigFile?: () => Promise<string>;
}

/** Builds ConfigStores: decrypts the local config once, downloads releases.yml per y-stream. */
export class ConfigStoreLoader {
  private localPromise: Promise<LocalConfig> | undefined;
  private readonly deps: ConfigStoreLoaderDeps;

  constructor(deps: ConfigStoreLoaderDeps) {
    this.deps = deps;
  }

  /** Whether OAR_JWK and the config file are configured (does not decrypt). */
  configured(): boolean {
    return Boolean(this.deps.config.OAR_JWK && (this.deps.readConfigFile || this.deps.config.OAR_CONFIG_FILE));
  }

  localConfig(): Promise<LocalConfig> {
    this.localPromise ??= this.readLocal().catch((e: unknown) => {
      this.localPromise = undefined; // do not cache failures
      throw e;
    });
    return this.localPromise;
  }

  private async readLocal(): Promise<LocalConfig> {
    const { config } = this.deps;
    if (!config.OAR_JWK) throw new ConfigStoreError('system environment variable OAR_JWK not found');
    let blob: string;
    if (this.deps.readConfigFile) blob = await this.deps.readConfigFile();
    else {
      if (!config.OAR_CONFIG_FILE) throw new ConfigStoreError('OAR_CONFIG_FILE is not set: it must point at the encrypted configstore.json');
      try {
        blob = await readFile(config.OAR_CONFIG_FILE, 'utf8');
      } catch (e) {
        throw new ConfigStoreError(`cannot read the ConfigStore file ${config.OAR_CONFIG_FILE}: ${(e as Error).message}`, { cause: e });
      }
    }
    return decryptLocalConfig(blob, config.OAR_JWK);
  }

  async load(release: string, signal?: AbortSignal): Promise<ConfigStore> {
    const version = parseRelease(release);
    const local = await this.localConfig();
    const template = this.deps.config.OAR_BUILD_DATA_URL ?? local.build_data_url;
    const url = template.replace('%s', `openshift-${version.ystream}`);
    const http = new HttpClient({ system: 'ocp-build-data', baseUrl: url, fetch: this.deps.fetch, retries: 2, timeoutMs: 20_000 });
    let text: string;
    try {
      text = await http.request<string>(`downloading releases.yml for ${version.ystream}`, { path: url, responseType: 'text', signal });
    } catch (e) {
      const detail = e instanceof IntegrationError ? `: ${e.userMessage}` : '';
      throw new ConfigStoreError(`download ocp build data failed${detail}`, { cause: e });
    }
    let doc: unknown;
    try {
      doc = load(text);
    } catch (e) {
      throw new ConfigStoreError('ocp build data format is invalid', { cause: e });
    }
    if (!doc || typeof doc !== 'object' || typeof (doc as Record<string, unknown>).releases !== 'object' || (doc as Record<string, unknown>).releases === null) {
      throw new ConfigStoreError('ocp build data format is invalid');
    }
    return new ConfigStore(version.raw, local, (doc as { releases: Releases }).releases, url);
  }
}

export interface CacheStats {
  metrics: { hits: number; misses: number; evictions: number; manual_invalidations: number; hit_rate: string; total_requests: number };
  cache_size: number;
  max_size: number;
  ttl_seconds: number;
  ttl_human: string;
  entries: { release: string; cached: true; ttl_human: string }[];
}

/**
 * TTL (from insertion) + LRU cache of ConfigStores for the long-running process (agents 9.3).
 * Concurrent gets of one key build exactly one instance; failures are not cached.
 */
export class ConfigStoreCache {
  /** LRU by `maxSize`, expiry `ttlMs` from insertion, one build per key however many ask at once (fetchMethod). */
  private readonly entries: LRUCache<string, ConfigStore>;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private manualInvalidations = 0;
  readonly maxSize: number;
  readonly ttlMs: number;

  /** `now` (milliseconds) replaces the cache's clock, for tests. */
  constructor(opts: { build: (release: string) => Promise<ConfigStore>; maxSize?: number; ttlMs?: number; now?: () => number }) {
    this.maxSize = opts.maxSize ?? 50;
    this.ttlMs = opts.ttlMs ?? 7 * 24 * 3600 * 1000;
    this.entries = new LRUCache<string, ConfigStore>({
      max: this.maxSize,
      ttl: this.ttlMs,
      fetchMethod: (release) => opts.build(release),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
      ...cacheClock(opts.now ?? Date.now),
    });
  }

  async get(release: string): Promise<ConfigStore> {
    const status: LRUCache.Status<string, ConfigStore> = {};
    const value = this.entries.fetch(release, { status });
    // A fresh entry, or a concurrent miss sharing the single construction, is a hit; an expired entry is a miss.
    if (status.fetch === 'hit' || status.fetch === 'inflight') this.hits++;
    else this.misses++;
    return (await value)!;
  }

  /** Entries built (not those still being built), least recently used first. */
  private built(): string[] {
    return [...this.entries.rkeys()];
  }

  /** Returns how many entries were removed. */
  invalidate(release?: string): number {
    if (release === undefined) {
      const n = this.built().length;
      this.entries.clear();
      this.manualInvalidations += n;
      return n;
    }
    if (this.built().includes(release) && this.entries.delete(release)) {
      this.manualInvalidations += 1;
      return 1;
    }
    return 0;
  }

  async warm(releases: string[]): Promise<{ warmed: string[]; failed: { release: string; error: string }[] }> {
    const warmed: string[] = [];
    const failed: { release: string; error: string }[] = [];
    for (const r of releases) {
      try {
        await this.get(r);
        warmed.push(r);
      } catch (e) {
        failed.push({ release: r, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return { warmed, failed };
  }

  stats(): CacheStats {
    const total = this.hits + this.misses;
    const ttlHuman = `${Math.floor(this.ttlMs / 1000 / 86400)} days`;
    return {
      metrics: {
        hits: this.hits,
        misses: this.misses,
        evictions: this.evictions,
        manual_invalidations: this.manualInvalidations,
        hit_rate: `${(total === 0 ? 0 : (this.hits / total) * 100).toFixed(2)}%`,
        total_requests: total,
      },
      cache_size: this.built().length,
      max_size: this.maxSize,
      ttl_seconds: Math.floor(this.ttlMs / 1000),
      ttl_human: ttlHuman,
      entries: this.built().map((release) => ({ release, cached: true as const, ttl_human: ttlHuman })),
    };
  }
}
