/**
 * What a front end hands the runner (RunRequest) and what it gets back (RunResult): the run's
 * result types, apart from the runner so the approval lifecycle and the views can name them
 * without importing the pipeline.
 */
import type { LockInfo, SlackTarget } from '../store/types.ts';
import type { ApprovalView } from './approval-view.ts';
import type { Actor, AnyCommand, Outcome, Plan, Role, Safety } from './types.ts';

export interface RunRequest {
  command: AnyCommand;
  release: string;
  options: Record<string, unknown>;
  actor: Actor;
  /** Where the request came from in Slack (for audit and for watches reporting back). */
  slack?: SlackTarget;
  /**
   * Critical commands run only when confirmed. `id` is the confirmation's unique id: a second
   * run with the same id (double click, redelivery) is refused.
   */
  confirmation?: { id: string };
  /**
   * Second-person approval: the command runs as `actor` (who asked and confirmed) once another
   * person with the role the command needs approves. The runner enforces both conditions.
   */
  approval?: { id: string; approver: Actor };
  progress?: (message: string) => void;
  correlationId?: string;
  signal?: AbortSignal;
  /** Command line as typed, for the audit log. */
  text?: string;
}

export type RunResult =
  | { kind: 'done'; outcome: Outcome; safety: Safety; durationMs: number; correlationId: string; log: string }
  | { kind: 'needs-confirmation'; plan: Plan; safety: Safety; correlationId: string }
  /** Confirmed, and now waiting for a second person (OAR_SECOND_APPROVAL); nothing ran yet. */
  | { kind: 'pending-approval'; approval: ApprovalView; message: string; correlationId: string }
  | { kind: 'denied'; needed: Role; has: Role; message: string; correlationId: string }
  | { kind: 'locked'; heldBy: LockInfo; message: string; correlationId: string }
  | { kind: 'duplicate'; message: string; correlationId: string }
  | { kind: 'refused'; message: string; correlationId: string };
