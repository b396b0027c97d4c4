/**
 * Commands cut off by a restart. When the shutdown's grace period runs out, the runner aborts
 * every command still running; each one's pipeline then finishes honestly instead of being
 * dropped: the StateBox task goes back to the status it had before this run (with a note), the
 * lock is released, the audit says "interrupted", and the front end's message says so with a
 * Re-run button. Before this, the channel kept "… is running take-ownership" for good and the
 * task stayed `In Progress`.
 */
import type { TaskStatus } from '../release/tasks.ts';
import type { Outcome } from './types.ts';

/** What a front end answers while the process drains (the runner's refusal uses it too). */
export const RESTARTING_MESSAGE = 'oar-bot is restarting, try again in a minute';

export interface InflightRun {
  readonly correlationId: string;
  readonly command: string;
  readonly release: string;
  /** Aborted by interruptAll(); the command's signal follows it. */
  readonly controller: AbortController;
  interrupted?: { at: Date; reason: string };
}

/** The commands this process is running now, so a shutdown can interrupt them. */
export class InflightRuns {
  private readonly runs = new Set<InflightRun>();

  open(meta: { correlationId: string; command: string; release: string }): InflightRun {
    const run: InflightRun = { ...meta, controller: new AbortController() };
    this.runs.add(run);
    return run;
  }

  close(run: InflightRun): void {
    this.runs.delete(run);
  }

  get size(): number {
    return this.runs.size;
  }

  /** Marks and aborts every run still going; returns them. */
  interruptAll(reason: string, at: Date): InflightRun[] {
    const cut = [...this.runs].filter((r) => !r.interrupted);
    for (const run of cut) {
      run.interrupted = { at, reason };
      run.controller.abort(new DOMException(`interrupted: ${reason}`, 'AbortError'));
    }
    return cut;
  }
}

/** The result text stored with the restored task. */
export function restoredTaskNote(run: InflightRun, restored: TaskStatus, log: string): string {
  const at = run.interrupted?.at.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? '';
  const note = `${at}: WARNING: ${run.command} was interrupted by a restart of oar-bot (${run.interrupted?.reason ?? 'shutdown'}) before it finished; task status set back to [${restored}]. Run it again.`;
  return log ? `${log}\n${note}` : note;
}

/**
 * The outcome of an interrupted run: not a verdict on the release (the task is restored, not
 * failed), with a button that runs the same command line again.
 */
export function interruptedOutcome(run: InflightRun, restored: TaskStatus | undefined, commandText: string | undefined): Outcome {
  return {
    status: 'fail',
    summary: `Interrupted by a restart of oar-bot before ${run.command} finished${restored ? `; its StateBox task is back to ${restored}` : ''}. Nothing more will happen for this run: run it again.`,
    recordTask: false,
    nextSteps: [{ label: 'Re-run', command: run.command, args: rerunArgs(commandText, run.command), style: 'primary' }],
  };
}

/** The arguments after the command name in the normalised command text (`oar -r 4.19.1 x -e a`). */
export function rerunArgs(text: string | undefined, command: string): string[] {
  const words = (text ?? '').split(/\s+/).filter(Boolean);
  const at = words.indexOf(command);
  if (at === -1) return [];
  const args = words.slice(at + 1);
  // The release is carried by the button itself.
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-r' || args[i] === '--release') i++;
    else out.push(args[i]!);
  }
  return out;
}
