/**
 * The payload metadata URL check of the async approval (9.10), through the release controller and
 * the registry.
 *
 * Metadata URL decision: the original ran `oc adm release info <pullspec>` and read
 * `metadata.metadata.url`. oar-bot never spawns processes, and the release controller API does
 * not carry that URL, so the check (1) finds the pullspec of the SPECIFIC release being approved
 * in its stream's tags (fixes defect 10: the original checked the newest stable of the y-stream),
 * (2) reads `release-manifests/release-metadata` from the release image through the registry API
 * (images.ts), and (3) GETs the URL. It never throws: any failure is `accessible: false` with a
 * reason.
 */
import { IntegrationError, type CallObserver, type FetchLike } from './http.ts';
import { callSignal } from './call-signal.ts';
import { describeError } from '../describe-error.ts';
import type { Config } from '../config/env.ts';
import type { RegistryClient } from './images.ts';
import { ReleaseControllerClient, type Arch, type MetadataCheck, type ReleaseBuild } from './release-controller.ts';

export interface MetadataCheckDeps {
  releaseController: ReleaseControllerClient;
  registry: RegistryClient;
  fetch?: FetchLike;
  /** Timeout of the GET of the metadata URL (the original: 10 s). */
  timeoutMs?: number;
}

/**
 * Is the payload metadata URL of `release` reachable? Never throws (9.10, defect 10 fixed: the
 * release itself is checked, not the newest stable of its y-stream).
 */
export async function checkPayloadMetadataUrl(deps: MetadataCheckDeps, release: string, arch: Arch = 'amd64'): Promise<MetadataCheck> {
  const lines: string[] = [];
  const fail = (reason: string, extra: Partial<MetadataCheck> = {}): MetadataCheck => {
    lines.push(reason);
    return { accessible: false, release, reason, lines, ...extra };
  };
  let stream: string;
  try {
    stream = deps.releaseController.streamOf(release, arch);
  } catch (e) {
    return fail(e instanceof IntegrationError ? e.userMessage : String(e));
  }
  let tag: ReleaseBuild | undefined;
  try {
    tag = await deps.releaseController.findTag(release, arch);
  } catch (e) {
    const code = e instanceof IntegrationError ? (e.status ?? 'none') : 'none';
    return fail(`Can not get payload pullspec from release stream ${stream}, http error ${code}`);
  }
  if (!tag) return fail(`Release ${release} is not in release stream ${stream} yet`);
  let metadataUrl: string | undefined;
  try {
    metadataUrl = (await deps.registry.releaseMetadata(tag.pullSpec)).metadataUrl;
  } catch (e) {
    return fail(`Cannot read the release metadata of ${tag.pullSpec}: ${describeError(e)}`, { pullSpec: tag.pullSpec });
  }
  if (!metadataUrl) return fail(`Release ${release} has no metadata url in its release-metadata`, { pullSpec: tag.pullSpec });
  lines.push(`Checking accessiblity of metadata url ${metadataUrl}`);
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  try {
    const timeout = AbortSignal.timeout(deps.timeoutMs ?? 10_000);
    const running = callSignal();
    const res = await fetchImpl(metadataUrl, { method: 'GET', redirect: 'follow', signal: running ? AbortSignal.any([timeout, running]) : timeout });
    await res.body?.cancel();
    const accessible = res.ok;
    const reason = `The metadata url is ${accessible ? 'accessible' : 'not accessible'}`;
    lines.push(reason);
    return { accessible, release, pullSpec: tag.pullSpec, metadataUrl, status: res.status, reason: accessible ? reason : `${reason} (HTTP ${res.status})`, lines };
  } catch (e) {
    return fail(`Request to metadata url ${metadataUrl} failed: ${describeError(e instanceof Error && e.cause instanceof Error ? e.cause : e)}`, { pullSpec: tag.pullSpec, metadataUrl });
  }
}

/**
 * The metadata check wired from configuration: RELEASE_CONTROLLER_URL (or the ConfigStore
 * release_url), OAR_REGISTRY_URL, OAR_PAYLOAD_METADATA_TIMEOUT_MS.
 */
export function payloadMetadataCheckFromConfig(
  config: Config,
  deps: { registry: RegistryClient; releaseUrl?: string; fetch?: FetchLike; observer?: CallObserver },
): (release: string, arch?: Arch) => Promise<MetadataCheck> {
  const releaseController = ReleaseControllerClient.fromConfig(config, {
    ...(deps.releaseUrl ? { releaseUrl: deps.releaseUrl } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.observer ? { observer: deps.observer } : {}),
  });
  const checkDeps: MetadataCheckDeps = { releaseController, registry: deps.registry, timeoutMs: config.OAR_PAYLOAD_METADATA_TIMEOUT_MS, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  return (release, arch = 'amd64') => checkPayloadMetadataUrl(checkDeps, release, arch);
}
