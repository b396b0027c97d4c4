/**
 * The README's routing table. Pure.
 *
 * | status                            | route                                              |
 * | build_setups_finished             | pre-test                                           |
 * | ready_to_report                   | post-test                                          |
 * | unknown                           | checkout misc flags: ready_to_report -> post-test, |
 * |                                   | notification_sent_build_setups_finished -> pre-test |
 * | checkout_issueoccurrences_changed | post-test only on fail -> pass                     |
 *
 * The race: DataWarehouse may emit `ready_to_report` / `build_setups_finished` before it has
 * persisted the matching misc flag, so for those two statuses the message is trusted and the
 * flags are not consulted at all.
 */
import type { MessageKind, OverallStatus, RouteName, SkipReason, SupportedStatus } from './types.ts';

export interface RouteInput {
  status: SupportedStatus;
  /** Flags of the checkout as DataWarehouse has them now. */
  checkoutMisc: { ready_to_report?: boolean | null; notification_sent_build_setups_finished?: boolean | null } | null | undefined;
  /** Top-level message `misc.checkout_outcome_changed`. */
  outcomeChanged: boolean;
}

export type RouteDecision =
  | { route: RouteName; kind: MessageKind; cause: string }
  | { skip: SkipReason; detail: string };

export function routeMessage({ status, checkoutMisc, outcomeChanged }: RouteInput): RouteDecision {
  const reported = checkoutMisc?.ready_to_report === true;
  switch (status) {
    case 'build_setups_finished':
      return { route: 'pre_test', kind: 'pre_test', cause: 'status build_setups_finished' };
    case 'ready_to_report':
      return { route: 'post_test', kind: 'post_test', cause: 'status ready_to_report' };
    case 'unknown':
      // The later stage wins: a checkout that is ready to report has long finished its builds.
      if (reported) return { route: 'post_test', kind: 'post_test', cause: 'status unknown, checkout misc.ready_to_report' };
      if (checkoutMisc?.notification_sent_build_setups_finished === true) {
        return { route: 'pre_test', kind: 'pre_test', cause: 'status unknown, checkout misc.notification_sent_build_setups_finished' };
      }
      return { skip: 'unknown_stage', detail: 'status unknown and the checkout has neither ready_to_report nor notification_sent_build_setups_finished' };
    case 'checkout_issueoccurrences_changed':
      if (!reported) return { skip: 'retriage_not_reported', detail: 'issue occurrences changed before the initial report (checkout misc.ready_to_report is not true)' };
      if (!outcomeChanged) return { skip: 'retriage_outcome_unchanged', detail: 'retriage did not flip the outcome (message misc.checkout_outcome_changed is not true)' };
      return { route: 'retriage', kind: 'post_test', cause: 'issue occurrences changed the outcome' };
  }
}

/**
 * Whether the decisions for a message of this status can need the checkout's tests: all but
 * pre-test ones (build_setups_finished reads the checkout and its builds only).
 */
export function mayNeedTests(status: SupportedStatus): boolean {
  return status !== 'build_setups_finished';
}

/** Third retriage condition: only fail -> pass is announced; a pass -> fail regression is not. */
export function retriageAllows(current: OverallStatus): { allowed: true } | { allowed: false; skip: SkipReason; detail: string } {
  if (current === 'fail' || current === 'error') {
    return { allowed: false, skip: 'retriage_not_passing', detail: `the overall status after retriage is ${current}` };
  }
  return { allowed: true };
}
