/**
 * `oarctl cki-notifier`: consume forever (the CKI daemon mode), or trigger one message by hand as
 * the CKI README describes:
 *
 *   oarctl cki-notifier --status STATUS --checkout-id CHECKOUT_ID [--dry-run]
 *
 * STATUS is build_setups_finished, ready_to_report, checkout_issueoccurrences_changed or unknown;
 * the synthetic message takes exactly the consumer's code path. Manual runs carry no message misc,
 * so checkout_issueoccurrences_changed never matches the retriage rule (as in CKI). --dry-run
 * prints the message that would be sent and publishes nothing.
 */
import parse from 'yargs-parser';
import { PermanentError } from './errors.ts';
import { manualMessage } from './message.ts';
import type { Outcome } from './processor.ts';
import { buildRuntime, type CkiNotifierDeps } from './runtime.ts';
import { startCkiNotifier } from './service.ts';
import { SUPPORTED_STATUSES, isSupportedStatus } from './types.ts';
import { CKI_NOTIFIER_USAGE } from './usage.ts';

export interface CkiNotifierCliDeps extends CkiNotifierDeps {
  /** Where results go (default process.stdout). */
  stdout?: (text: string) => void;
  /** Where usage errors and failures go (default process.stderr). */
  stderr?: (text: string) => void;
  /** Ends consume mode (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
}

export { CKI_NOTIFIER_USAGE };

const KNOWN = new Set(['_', 'status', 'checkout-id', 'dry-run', 'help', 'h']);

type Parsed = { mode: 'help' } | { mode: 'consume' } | { mode: 'trigger'; status: (typeof SUPPORTED_STATUSES)[number]; checkoutId: string; dryRun: boolean };

export function parseCkiNotifierArgs(argv: string[]): Parsed {
  const args = parse(argv, {
    string: ['status', 'checkout-id'],
    boolean: ['dry-run', 'help'],
    alias: { help: ['h'] },
    configuration: { 'camel-case-expansion': false, 'unknown-options-as-args': false },
  });
  const unknown = Object.keys(args).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `--${k}`).join(', ')}`);
  if (args._.length) throw new UsageError(`unexpected argument: ${String(args._[0])}`);
  if (args.help) return { mode: 'help' };
  const status = args.status as string | undefined;
  const checkoutId = args['checkout-id'] as string | undefined;
  const dryRun = args['dry-run'] === true;
  if (status === undefined && checkoutId === undefined) {
    if (dryRun) throw new UsageError('--dry-run needs --status and --checkout-id');
    return { mode: 'consume' };
  }
  if (!status) throw new UsageError('--checkout-id needs --status');
  if (!checkoutId) throw new UsageError('--status needs --checkout-id');
  if (!isSupportedStatus(status)) throw new UsageError(`--status must be one of ${SUPPORTED_STATUSES.join(', ')} (got ${status})`);
  return { mode: 'trigger', status, checkoutId: checkoutId.trim(), dryRun };
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function describe(outcome: Outcome): string {
  switch (outcome.result) {
    case 'sent':
      return `${outcome.published ? 'published' : 'logged (not production)'}: ${outcome.kind} ${outcome.status} for checkout ${outcome.checkoutId}`;
    case 'skipped':
      return `skipped (${outcome.reason}): ${outcome.detail}`;
    case 'dry_run':
      return `dry run: would send ${outcome.kind} ${outcome.status} for checkout ${outcome.checkoutId}${outcome.alreadySent ? ' (already sent: a real run would skip it as a duplicate)' : ''}`;
  }
}

/** Returns the process exit code: 0 done (sent, skipped, dry run), 1 failed, 2 usage error. */
export async function runCkiNotifierCli(argv: string[], deps: CkiNotifierCliDeps): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  let parsed: Parsed;
  try {
    parsed = parseCkiNotifierArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`oarctl cki-notifier: ${e.message}\n\n${CKI_NOTIFIER_USAGE}`);
    return 2;
  }
  if (parsed.mode === 'help') {
    out(CKI_NOTIFIER_USAGE);
    return 0;
  }
  try {
    return parsed.mode === 'consume' ? await consume(deps, out) : await trigger(parsed, deps, out);
  } catch (e) {
    const why = e instanceof PermanentError ? `the message cannot be processed: ${e.message}` : e instanceof Error ? e.message : String(e);
    err(`oarctl cki-notifier: ${why}\n`);
    return 1;
  }
}

async function trigger(p: Extract<Parsed, { mode: 'trigger' }>, deps: CkiNotifierCliDeps, out: (t: string) => void): Promise<number> {
  const rt = buildRuntime(deps, { needConsumer: false, needPublisher: !p.dryRun });
  try {
    await rt.link?.start();
    await rt.publisher.start?.();
    const outcome = await rt.processor.process(manualMessage(p.status, p.checkoutId), { dryRun: p.dryRun });
    out(`${describe(outcome)}\n`);
    if (outcome.result === 'dry_run') out(`${JSON.stringify(outcome.message, null, 2)}\n`);
    return 0;
  } finally {
    await rt.publisher.close();
    await rt.link?.close();
    rt.closeClients();
  }
}

async function consume(deps: CkiNotifierCliDeps, out: (t: string) => void): Promise<number> {
  let signal = deps.signal;
  let cleanup = () => {};
  if (!signal) {
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanup = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    signal = ac.signal;
  }
  try {
    const notifier = await startCkiNotifier(deps, { serveMetrics: true });
    const s = notifier.state();
    out(`consuming ${s.queue} (publisher: ${s.publisher}${s.metricsPort !== undefined ? `, metrics on :${s.metricsPort}/metrics` : ''}); stop with Ctrl-C\n`);
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await notifier.stop();
    const c = notifier.state().counts;
    out(`stopped: ${c.sent} sent, ${c.skipped} skipped, ${c.deadLettered} dead-lettered\n`);
    return 0;
  } finally {
    cleanup();
  }
}
