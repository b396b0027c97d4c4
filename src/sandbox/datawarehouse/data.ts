/**
 * Realistic DataWarehouse data for the simulator, tests, benches and the playground: a checkout
 * with its builds, tests and issue occurrences shaped like CKI's KCIDB submissions, and the AMQP
 * message DataWarehouse publishes about it.
 */
import type { DwBuild, DwCheckout, DwIssueOccurrence, DwTest } from '../../integrations/datawarehouse.ts';

export interface TestSpec {
  path: string;
  status?: string | null;
  waived?: boolean;
  origin?: string;
  /** Attach a (non-regression unless said) issue occurrence: the failure is triaged. */
  triaged?: boolean | 'regression';
}

export interface BuildSpec {
  arch: string;
  /** KCIDB v4 verdict (default true). */
  valid?: boolean | null;
  /** KCIDB v5 verdict; overrides `valid` when set. */
  status?: string;
  debug?: boolean;
  /** null: no kernel_package_url output file. */
  packageUrl?: string | null;
  origin?: string;
  tests?: TestSpec[];
  triaged?: boolean | 'regression';
}

export interface CheckoutSpec {
  /** Numeric part of the id (redhat:<n>) and the pipeline id. */
  n: number;
  origin?: string;
  treeName?: string;
  valid?: boolean | null;
  misc?: Record<string, unknown>;
  builds?: BuildSpec[];
  /** MR checkout: URL of the MR (point it at the simulator) and the checkout's pipeline id. */
  mergeRequestUrl?: string;
  patchUrls?: string[];
  modifiedFiles?: string[];
}

export interface CheckoutTree {
  checkout: DwCheckout;
  builds: DwBuild[];
  tests: DwTest[];
  issueOccurrences: DwIssueOccurrence[];
}

const DEFAULT_BUILDS: BuildSpec[] = [
  { arch: 'x86_64', tests: [{ path: 'boot', status: 'PASS' }, { path: 'ltp', status: 'PASS' }] },
  { arch: 'aarch64', tests: [{ path: 'boot', status: 'PASS' }] },
];

let issueSeq = 1000;

export function checkoutTree(spec: CheckoutSpec): CheckoutTree {
  const origin = spec.origin ?? 'redhat';
  const id = `${origin}:${spec.n}`;
  const pipelineUrl = `https://gitlab.com/redhat/red-hat-ci-tools/kernel/cki-internal-pipelines/cki-trusted-contributors/-/pipelines/${spec.n}`;
  const checkout: DwCheckout = {
    id,
    origin,
    tree_name: spec.treeName ?? 'rhel-9',
    git_repository_url: 'https://gitlab.com/redhat/centos-stream/src/kernel/centos-stream-9.git',
    git_repository_branch: 'main',
    git_commit_hash: (spec.n.toString(16) + 'a'.repeat(40)).slice(0, 40),
    start_time: '2025-06-02T10:00:00Z',
    valid: spec.valid === undefined ? true : spec.valid,
    patchset_files: (spec.patchUrls ?? []).map((url, i) => ({ url, name: `${i + 1}.patch` })),
    misc: {
      iid: spec.n,
      retrigger: false,
      pipeline: { id: spec.n, url: pipelineUrl },
      source_package_name: 'kernel',
      source_package_version: '5.14.0',
      source_package_release: `570.${spec.n % 100}.el9`,
      ...(spec.mergeRequestUrl ? { related_merge_request: { url: spec.mergeRequestUrl } } : {}),
      ...(spec.modifiedFiles ? { patchset_modified_files: spec.modifiedFiles.map((path) => ({ path })) } : {}),
      ...(spec.misc ?? {}),
    },
  };
  const builds: DwBuild[] = [];
  const tests: DwTest[] = [];
  const issueOccurrences: DwIssueOccurrence[] = [];
  const occurrence = (target: { build_id?: string; test_id?: string }, how: true | 'regression') => {
    issueOccurrences.push({
      issue: { id: ++issueSeq, description: `known issue ${issueSeq}`, kind: { tag: 'Kernel bug', description: 'Kernel bug' } },
      is_regression: how === 'regression',
      checkout_id: null,
      build_id: target.build_id ?? null,
      test_id: target.test_id ?? null,
      testresult_id: null,
    });
  };
  for (const [bi, b] of (spec.builds ?? DEFAULT_BUILDS).entries()) {
    const buildId = `${origin}:${spec.n}-${b.arch}-kernel${b.debug ? '-debug' : ''}${bi >= 10 ? `-${bi}` : ''}`;
    const nvr = `5.14.0-570.${spec.n % 100}.el9.${b.arch}`;
    const packageUrl = b.packageUrl === undefined ? `https://s3.amazonaws.com/arr-cki-prod-trusted-artifacts/trusted-artifacts/${spec.n}/publish_${b.arch}/${spec.n}${bi}/artifacts/repo/${nvr}/` : b.packageUrl;
    builds.push({
      id: buildId,
      checkout_id: id,
      origin: b.origin ?? origin,
      architecture: b.arch,
      valid: b.status ? undefined : b.valid === undefined ? true : b.valid,
      ...(b.status ? { status: b.status } : {}),
      output_files: packageUrl ? [{ name: 'kernel_package_url', url: packageUrl }] : [],
      misc: {
        iid: spec.n * 100 + bi,
        kpet_tree_name: `${checkout.tree_name}`,
        kpet_tree_family: 'rhel9',
        debug: b.debug === true,
        package_name: b.debug ? 'kernel-debug' : 'kernel',
        package_version: '5.14.0',
        package_release: `570.${spec.n % 100}.el9`,
      },
    });
    if (b.triaged) occurrence({ build_id: buildId }, b.triaged);
    for (const [ti, t] of (b.tests ?? []).entries()) {
      const testId = `${origin}:${spec.n}-${b.arch}${b.debug ? '-debug' : ''}-${bi}-t${ti}`;
      tests.push({
        id: testId,
        build_id: buildId,
        origin: t.origin ?? origin,
        path: t.path,
        status: t.status === undefined ? 'PASS' : t.status,
        waived: t.waived ?? false,
        misc: { iid: spec.n * 10_000 + bi * 100 + ti },
      });
      if (t.triaged) occurrence({ test_id: testId }, t.triaged);
    }
  }
  return { checkout, builds, tests, issueOccurrences };
}

/** The AMQP message DataWarehouse publishes for a checkout event (routing key datawarehouse.checkout.<status>). */
export function dataWarehouseMessage(checkout: DwCheckout, status: string, misc: Record<string, unknown> = {}, objectType = 'checkout'): Record<string, unknown> {
  return {
    timestamp: '2025-06-02T12:00:00.000000+00:00',
    object_type: objectType,
    status,
    id: checkout.id,
    iid: checkout.misc?.iid ?? undefined,
    object: checkout,
    misc,
  };
}

export function routingKeyFor(status: string, objectType = 'checkout'): string {
  return `datawarehouse.${objectType}.${status}`;
}
