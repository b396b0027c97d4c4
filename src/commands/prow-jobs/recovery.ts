/**
 * Manual recovery of a test-result record (agents.md 6.9): `promote-test-results` and
 * `update-retried-job-run`. Both need GITHUB_TOKEN only (no Gangway, no store) and write the
 * record through `updateFile` (SHA, re-read on conflict: a concurrent aggregator pass loses nothing).
 *
 * The record edits are pure functions (`promoteRecord`, `replaceRetriedRun`), unit-tested without I/O.
 */
import { CommandError } from '../errors.ts';
import type { CommandContext, Outcome, Plan } from '../types.ts';
import { assertProwCredentials } from '../prow/factory.ts';
import { readFile, updateFile, type FileTarget } from '../prow/files.ts';
import { parseRecord, serialiseRecord, type TestResultRecord } from '../prow/record.ts';
import { resultPath, type Arch } from '../prow/streams.ts';

/** `aggregated = false`, `manual_promotion = true`: the next aggregator pass labels the payload Accepted. */
export function promoteRecord(record: TestResultRecord): TestResultRecord {
  return { ...record, aggregated: false, manual_promotion: true };
}

export type RetriedRunEdit =
  | { kind: 'job-not-found' }
  | { kind: 'replaced'; record: TestResultRecord }
  /** C was not among the retries: the record is still reopened (aggregated/accepted removed), as the original. */
  | { kind: 'run-not-found'; record: TestResultRecord };

/**
 * In the first entry named `jobName`, the first retried run with `jobID == currentJobId` becomes
 * `{ jobID: newJobId }` (every other field dropped, so the aggregator refreshes it); `aggregated`
 * and `accepted` are removed. A missing `retriedJobs` counts as empty (the original raised).
 */
export function replaceRetriedRun(record: TestResultRecord, jobName: string, currentJobId: string, newJobId: string): RetriedRunEdit {
  const index = record.result.findIndex((e) => e.jobName === jobName);
  if (index < 0) return { kind: 'job-not-found' };
  const entry = record.result[index]!;
  const retried = [...(entry.retriedJobs ?? [])];
  const at = retried.findIndex((r) => r.jobID === currentJobId);
  if (at >= 0) retried[at] = { jobID: newJobId };
  const result = record.result.map((e, i) => (i === index && at >= 0 ? { ...e, retriedJobs: retried } : e));
  const { aggregated: _a, accepted: _b, ...rest } = record;
  const out: TestResultRecord = { ...rest, result };
  return at >= 0 ? { kind: 'replaced', record: out } : { kind: 'run-not-found', record: out };
}

async function recordTarget(ctx: CommandContext): Promise<FileTarget> {
  assertProwCredentials(ctx.config, ['GITHUB_TOKEN']);
  const github = await ctx.services.get('github');
  return { github, repo: ctx.config.OAR_GITHUB_REPO, branch: ctx.config.OAR_RECORD_BRANCH, signal: ctx.signal };
}

function fileName(path: string): string {
  return path.split('/').at(-1) ?? path;
}

export interface PromoteOptions {
  build: string;
  arch: Arch;
}

/** What `promote-test-results` would change (for --dry-run and confirmations). */
export async function promoteTestResultsPlan(ctx: CommandContext, o: PromoteOptions): Promise<Plan> {
  const t = await recordTarget(ctx);
  const path = resultPath(o.build, o.arch);
  const file = await readFile(t, path);
  if (!file) return { summary: `${fileName(path)} does not exist: nothing to promote`, changes: [], empty: true };
  const record = parseRecord(file.text, path);
  return {
    summary: `Promote ${o.build} (${o.arch}) manually: the next aggregator pass labels the payload Accepted`,
    changes: [
      { target: `${fileName(path)} aggregated`, from: String(record.aggregated ?? 'unset'), to: 'false' },
      { target: `${fileName(path)} manual_promotion`, from: String(record.manual_promotion ?? 'unset'), to: 'true' },
    ],
  };
}

/** `jobctl promote-test-results --build B [--arch A]` (6.9). A missing file changes nothing and is no error. */
export async function promoteTestResultsCommand(ctx: CommandContext, o: PromoteOptions): Promise<Outcome> {
  const t = await recordTarget(ctx);
  const path = resultPath(o.build, o.arch);
  const url = t.github.webUrl(t.repo, t.branch, path);
  let found = true;
  const r = await updateFile(t, path, async (current) => {
    if (!current) {
      found = false;
      return null;
    }
    return serialiseRecord(promoteRecord(parseRecord(current.text, path)));
  });
  if (!found) {
    ctx.log.info(`test result file ${fileName(path)} does not exist, nothing to promote`);
    return { status: 'info', summary: `${fileName(path)} does not exist: nothing promoted`, data: { build: o.build, arch: o.arch, path, promoted: false } };
  }
  ctx.log.info(`test result file ${fileName(path)} is promoted manually (aggregated: false, manual_promotion: true)`);
  return {
    status: 'pass',
    summary: `${o.build} (${o.arch}) promoted: the next aggregator pass labels the payload Accepted${r.written ? '' : ' (the record was already promoted)'}`,
    links: [{ label: 'Test results', url }],
    nextSteps: [{ label: 'Run the aggregator now', command: 'start-aggregator', args: ['--arch', o.arch] }],
    data: { build: o.build, arch: o.arch, path, promoted: true, written: r.written },
  };
}

export interface UpdateRetriedOptions {
  build: string;
  arch: Arch;
  jobName: string;
  currentJobId: string;
  newJobId: string;
}

async function readRecord(t: FileTarget, path: string): Promise<TestResultRecord> {
  const file = await readFile(t, path);
  if (!file) throw new CommandError(`test result file ${fileName(path)} does not exist`);
  return parseRecord(file.text, path);
}

export async function updateRetriedJobRunPlan(ctx: CommandContext, o: UpdateRetriedOptions): Promise<Plan> {
  const t = await recordTarget(ctx);
  const path = resultPath(o.build, o.arch);
  const edit = replaceRetriedRun(await readRecord(t, path), o.jobName, o.currentJobId, o.newJobId);
  if (edit.kind === 'job-not-found') return { summary: `cannot find job name ${o.jobName} in ${fileName(path)}`, changes: [], empty: true };
  return {
    summary: `Reopen ${fileName(path)} for the aggregator`,
    changes: [
      ...(edit.kind === 'replaced' ? [{ target: `${o.jobName} retried run`, from: o.currentJobId, to: o.newJobId }] : []),
      { target: `${fileName(path)} aggregated/accepted`, to: 'removed' },
    ],
    ...(edit.kind === 'run-not-found' ? { notes: [`${o.currentJobId} is not a retried run of ${o.jobName}: only aggregated/accepted are removed`] } : {}),
  };
}

/**
 * `jobctl update-retried-job-run --build B --job-name J --current-job-id C --new-job-id N [--arch A]` (6.9).
 * A job name not in the record changes nothing and fails (the original only logged it).
 */
export async function updateRetriedJobRunCommand(ctx: CommandContext, o: UpdateRetriedOptions): Promise<Outcome> {
  const t = await recordTarget(ctx);
  const path = resultPath(o.build, o.arch);
  let edit: RetriedRunEdit | undefined;
  const r = await updateFile(t, path, async (current) => {
    if (!current) throw new CommandError(`test result file ${fileName(path)} does not exist`);
    edit = replaceRetriedRun(parseRecord(current.text, path), o.jobName, o.currentJobId, o.newJobId);
    return edit.kind === 'job-not-found' ? null : serialiseRecord(edit.record);
  });
  const url = t.github.webUrl(t.repo, t.branch, path);
  if (!edit || edit.kind === 'job-not-found') {
    const message = `cannot find job name ${o.jobName} in ${fileName(path)}`;
    ctx.log.error(message);
    return { status: 'fail', summary: message, links: [{ label: 'Test results', url }] };
  }
  const replaced = edit.kind === 'replaced';
  if (replaced) ctx.log.info(`retried job run ${o.currentJobId} of ${o.jobName} is replaced by ${o.newJobId}`);
  else ctx.log.warn(`cannot find retried job run ${o.currentJobId} of ${o.jobName}; the record is reopened anyway`);
  return {
    status: replaced ? 'pass' : 'info',
    summary: replaced
      ? `${o.jobName}: retried run ${o.currentJobId} replaced by ${o.newJobId}; ${fileName(path)} reopened for the aggregator`
      : `${o.currentJobId} is not a retried run of ${o.jobName}; ${fileName(path)} reopened for the aggregator (aggregated/accepted removed)`,
    links: [{ label: 'Test results', url }],
    nextSteps: [{ label: 'Run the aggregator now', command: 'start-aggregator', args: ['--arch', o.arch] }],
    data: { build: o.build, arch: o.arch, path, jobName: o.jobName, replaced, written: r.written },
  };
}
