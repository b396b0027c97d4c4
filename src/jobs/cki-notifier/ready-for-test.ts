/**
 * The ready-for-test message (spec section 4, merged from the CKI "testing builds" docs, a real
 * example and a consumer) and its construction from DataWarehouse data. Pure.
 *
 * Field sourcing is RECONSTRUCTED (spec 4.2); each choice lives in exactly one function below so a
 * real DataWarehouse payload that differs needs one edit. Decisions (docs/cki-notifier.md):
 * - run.url: checkout `misc.pipeline.url`;
 * - artifact.issuer: "CKI" for merge request checkouts (observed: "Always CKI for merge request
 *   testing"), else checkout `misc.submitter`, else "CKI";
 * - artifact.source_package_*: checkout misc; name defaults to "kernel" (CKI builds kernels; older
 *   messages had `component: kernel`);
 * - system: distinct `{os: kpet_tree_family, stream: kpet_tree_name}` of the announced builds;
 * - build_info: successful builds only (v5 status PASS, or v4 valid true) that have a
 *   `kernel_package_url` output file; package fields from build misc, package name defaulting to
 *   "kernel";
 * - modified_files: checkout `misc.patchset_modified_files`; patch_urls: `patchset_files[].url`;
 * - merge_request: `{merge_request_url, is_draft}` for MR checkouts (draft state read from GitLab at
 *   send time), `{}` otherwise; with JIRA_SERVER/JIRA_TOKEN_AUTH also `jira_issues` (keys the MR
 *   names that Jira knows: a local extension for the README's Jira variables);
 * - status: the overall status for post-test; pre-test messages carry "success" (their builds
 *   passed; consumers ignore `status` when `cki_finished` is false).
 * No other local extension (no test summary) is added.
 */
import { z } from 'zod';
import type { DwBuild, DwCheckout } from '../../integrations/datawarehouse.ts';
import { buildVerdict } from './overall-status.ts';
import type { MessageKind, OverallStatus } from './types.ts';

export const CKI_CI = {
  name: 'CKI (Continuous Kernel Integration)',
  team: 'CKI',
  docs: 'https://cki-project.org',
  url: 'https://gitlab.com/cki-project',
  email: 'cki-project@redhat.com',
  irc: 'Slack #team-kernel-cki',
} as const;

export const readyForTestSchema = z.strictObject({
  ci: z.strictObject({ name: z.string(), team: z.string(), docs: z.string(), url: z.string(), email: z.string(), irc: z.string() }),
  run: z.strictObject({ url: z.url() }),
  artifact: z.strictObject({
    type: z.literal('cki-build'),
    issuer: z.string().min(1),
    source_package_name: z.string().min(1),
    source_package_version: z.string().optional(),
    source_package_release: z.string().optional(),
  }),
  system: z.array(z.strictObject({ os: z.string().optional(), stream: z.string().min(1) })),
  checkout_id: z.string().min(1),
  tree_name: z.string().min(1),
  build_info: z.array(
    z.strictObject({
      architecture: z.string().min(1),
      build_id: z.string().min(1),
      kernel_package_url: z.url(),
      debug_kernel: z.boolean(),
      package_name: z.string().min(1),
      package_version: z.string().optional(),
      package_release: z.string().optional(),
    }),
  ),
  modified_files: z.array(z.string()),
  patch_urls: z.array(z.string()),
  merge_request: z.strictObject({ merge_request_url: z.url().optional(), is_draft: z.boolean().optional(), jira_issues: z.array(z.string()).optional() }),
  cki_finished: z.boolean(),
  status: z.enum(['success', 'fail', 'error']),
});

export type ReadyForTestMessage = z.output<typeof readyForTestSchema>;

export function kernelPackageUrlOf(build: DwBuild): string | undefined {
  return build.output_files?.find((f) => f.name === 'kernel_package_url')?.url;
}

/** Builds a tester can install: passed, and their package repository is known. */
export function testableBuilds(builds: readonly DwBuild[]): DwBuild[] {
  return builds.filter((b) => buildVerdict(b) === 'PASS' && kernelPackageUrlOf(b) !== undefined);
}

export interface ReadyForTestInput {
  checkout: DwCheckout;
  /** Already filtered with testableBuilds. */
  builds: readonly DwBuild[];
  kind: MessageKind;
  status: OverallStatus;
  mergeRequest?: { url: string; draft: boolean; jiraIssues?: string[] };
}

const opt = <K extends string>(key: K, v: string | null | undefined): { [P in K]?: string } =>
  (v ? { [key]: v } : {}) as { [P in K]?: string };

function modifiedFiles(checkout: DwCheckout): string[] {
  return (checkout.misc?.patchset_modified_files ?? []).map((f) => (typeof f === 'string' ? f : f.path));
}

function systems(builds: readonly DwBuild[]): ReadyForTestMessage['system'] {
  const seen = new Map<string, ReadyForTestMessage['system'][number]>();
  for (const b of builds) {
    const stream = b.misc?.kpet_tree_name;
    if (!stream) continue;
    const os = b.misc?.kpet_tree_family ?? undefined;
    const key = `${os ?? ''}\u0000${stream}`;
    if (!seen.has(key)) seen.set(key, { ...(os ? { os } : {}), stream });
  }
  return [...seen.values()];
}

/** Returns the message unvalidated; `validateReadyForTest` is the gate before publishing. */
export function buildReadyForTest(input: ReadyForTestInput): unknown {
  const { checkout, builds, kind, status, mergeRequest } = input;
  const misc = checkout.misc ?? {};
  return {
    ci: { ...CKI_CI },
    run: { url: misc.pipeline?.url ?? undefined },
    artifact: {
      type: 'cki-build',
      issuer: mergeRequest ? 'CKI' : (misc.submitter ?? 'CKI'),
      source_package_name: misc.source_package_name ?? 'kernel',
      ...opt('source_package_version', misc.source_package_version),
      ...opt('source_package_release', misc.source_package_release),
    },
    system: systems(builds),
    checkout_id: checkout.id,
    tree_name: checkout.tree_name ?? undefined,
    build_info: builds.map((b) => ({
      architecture: b.architecture ?? undefined,
      build_id: b.id,
      kernel_package_url: kernelPackageUrlOf(b),
      debug_kernel: b.misc?.debug === true,
      package_name: b.misc?.package_name ?? 'kernel',
      ...opt('package_version', b.misc?.package_version),
      ...opt('package_release', b.misc?.package_release),
    })),
    modified_files: modifiedFiles(checkout),
    patch_urls: (checkout.patchset_files ?? []).map((p) => p.url),
    merge_request: mergeRequest ? { merge_request_url: mergeRequest.url, is_draft: mergeRequest.draft, ...(mergeRequest.jiraIssues ? { jira_issues: mergeRequest.jiraIssues } : {}) } : {},
    cki_finished: kind === 'post_test',
    status,
  };
}

export function validateReadyForTest(candidate: unknown): { ok: true; message: ReadyForTestMessage } | { ok: false; detail: string } {
  const parsed = readyForTestSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, detail: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
