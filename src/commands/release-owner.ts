/**
 * Who owns a release (its QE owner), for release-status and the App Home. StateBox masks every
 * e-mail in task logs (`[EMAIL_REDACTED]`), so the take-ownership log alone cannot name the owner;
 * the reliable record is the audit log: the e-mail of the last take-ownership run that passed.
 * A StateBox log written before masking still counts when the audit has nothing.
 */
import { describeError } from '../describe-error.ts';
import type { Store } from '../store/types.ts';

export async function releaseOwner(
  store: Pick<Store, 'queryAudit'> | undefined,
  release: string,
  tasks: { name: string; result?: string | null }[],
  /** Told when the audit log cannot be read: the owner then comes from StateBox alone, usually nobody. */
  warn: (message: string, err: unknown) => void,
): Promise<string | undefined> {
  const runs = store
    ? await store.queryAudit({ release, command: 'take-ownership', event: 'run', limit: 50 }).catch((e: unknown) => {
        warn(`the audit log could not be read to name the owner of ${release}: ${describeError(e)}`, e);
        return [];
      })
    : [];
  for (const run of runs) {
    const email = run.options?.email;
    if (run.outcome?.startsWith('pass') && typeof email === 'string' && email.includes('@')) return email;
  }
  return ownerOf(tasks);
}

/** The QE owner as an unmasked take-ownership log names it (`QA Owner of advisory N is updated to x`, with or without brackets). */
export function ownerOf(tasks: { name: string; result?: string | null }[]): string | undefined {
  const log = tasks.find((t) => t.name === 'take-ownership')?.result ?? '';
  const all = [...log.matchAll(/(?:is updated to|already) \[?([^\s\]]+@[^\s\]]+?)\]?(?=\s|$)/g)].map((m) => m[1]!);
  return all.at(-1);
}
