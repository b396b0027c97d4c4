/**
 * `compute_overall_status` (cki_lib.kcidb.checks): success / fail / error of a checkout after
 * triage. Pure.
 *
 * Known (KCIDB schema): statuses in priority order FAIL > ERROR > MISS > PASS > DONE > SKIP, the
 * summary of several results being the highest-priority one; waived tests do not count; a FAIL or
 * ERROR that has been triaged (has an issue occurrence) does not count. The CKI function itself
 * was not available; the choices below are this port's decisions (docs/cki-notifier.md):
 *
 * 1. MISS (did not run because of a harness failure) counts as `error`, like ERROR.
 * 2. An issue occurrence flagged as a regression does NOT triage the failure: a regression is a
 *    known bug coming back, which consumers must not treat as a pass.
 * 3. Only builds and tests whose origin is the checkout's origin count; results reported into the
 *    same checkout by other origins (external labs) do not change CKI's verdict.
 * 4. Subtests (testresults) are not examined: a test's status already summarises its subtests, and
 *    a subtest's issue occurrence does not triage its parent test.
 * 5. A build verdict comes from KCIDB v5 `status` when present, else v4 `valid`
 *    (true -> PASS, false -> FAIL); a build or test without a verdict counts as MISS, because by
 *    the time a post-test message is computed everything has finished and a missing result means
 *    something did not run.
 * 6. A triaged failing build does not count; an untriaged one counts with its own status
 *    (FAIL -> fail, ERROR/MISS -> error).
 * 7. A checkout without any counted build or test is `success` (nothing failed).
 * 8. Unknown status strings count as ERROR (KCIDB's enum is closed; an unknown value means the
 *    verdict cannot be trusted).
 */
import type { OverallStatus } from './types.ts';

export const KCIDB_STATUSES = ['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'] as const;
export type KcidbStatus = (typeof KCIDB_STATUSES)[number];

/** Lower index = higher priority. */
const PRIORITY: Record<KcidbStatus, number> = { FAIL: 0, ERROR: 1, MISS: 2, PASS: 3, DONE: 4, SKIP: 5 };
const TRIAGEABLE: ReadonlySet<KcidbStatus> = new Set(['FAIL', 'ERROR', 'MISS']);

export interface StatusBuild {
  id: string;
  origin: string;
  valid?: boolean | null;
  status?: string | null;
}

export interface StatusTest {
  id: string;
  build_id: string;
  origin: string;
  status?: string | null;
  waived?: boolean | null;
}

export interface StatusOccurrence {
  build_id?: string | null;
  test_id?: string | null;
  is_regression?: boolean | null;
}

export interface StatusInput {
  checkoutOrigin: string;
  builds: readonly StatusBuild[];
  tests: readonly StatusTest[];
  issueOccurrences: readonly StatusOccurrence[];
}

export interface StatusResult {
  status: OverallStatus;
  /** Highest-priority counted KCIDB status; undefined when nothing counted. */
  worst: KcidbStatus | undefined;
  /** Ids of the builds/tests that decided a fail or error (for logs and the Slack notice). */
  untriaged: string[];
}

export function normalizeStatus(raw: string | null | undefined): KcidbStatus {
  if (raw === null || raw === undefined || raw === '') return 'MISS';
  const up = raw.toUpperCase();
  return (KCIDB_STATUSES as readonly string[]).includes(up) ? (up as KcidbStatus) : 'ERROR';
}

export function buildVerdict(b: StatusBuild): KcidbStatus {
  if (b.status) return normalizeStatus(b.status);
  if (b.valid === true) return 'PASS';
  if (b.valid === false) return 'FAIL';
  return 'MISS';
}

export function toOverall(worst: KcidbStatus | undefined): OverallStatus {
  if (worst === 'FAIL') return 'fail';
  if (worst === 'ERROR' || worst === 'MISS') return 'error';
  return 'success';
}

export function computeOverallStatus(input: StatusInput): StatusResult {
  const triaged = new Set<string>();
  for (const o of input.issueOccurrences) {
    if (o.is_regression === true) continue;
    if (o.build_id) triaged.add(`build:${o.build_id}`);
    if (o.test_id) triaged.add(`test:${o.test_id}`);
  }
  let worst: KcidbStatus | undefined;
  const culprits: { id: string; status: KcidbStatus }[] = [];
  const count = (id: string, s: KcidbStatus) => {
    if (worst === undefined || PRIORITY[s] < PRIORITY[worst]) worst = s;
    if (TRIAGEABLE.has(s)) culprits.push({ id, status: s });
  };

  const ownBuilds = new Set<string>();
  for (const b of input.builds) {
    if (b.origin !== input.checkoutOrigin) continue;
    ownBuilds.add(b.id);
    const s = buildVerdict(b);
    if (TRIAGEABLE.has(s) && triaged.has(`build:${b.id}`)) continue;
    count(b.id, s);
  }
  for (const t of input.tests) {
    if (t.origin !== input.checkoutOrigin || !ownBuilds.has(t.build_id)) continue;
    if (t.waived === true) continue;
    const s = normalizeStatus(t.status);
    if (TRIAGEABLE.has(s) && triaged.has(`test:${t.id}`)) continue;
    count(t.id, s);
  }
  const w = worst as KcidbStatus | undefined;
  const status = toOverall(w);
  const decisive = status === 'fail' ? ['FAIL'] : status === 'error' ? ['ERROR', 'MISS'] : [];
  return { status, worst: w, untriaged: culprits.filter((c) => decisive.includes(c.status)).map((c) => c.id) };
}
