/**
 * Vocabulary of the CKI notifier: statuses it understands, the two message kinds, the
 * overall status of a checkout and every reason a message can be dropped for.
 */

/** DataWarehouse checkout statuses the README routes (anything else is `unsupported_status`). */
export const SUPPORTED_STATUSES = ['build_setups_finished', 'ready_to_report', 'unknown', 'checkout_issueoccurrences_changed'] as const;
export type SupportedStatus = (typeof SUPPORTED_STATUSES)[number];

export function isSupportedStatus(s: string): s is SupportedStatus {
  return (SUPPORTED_STATUSES as readonly string[]).includes(s);
}

/** pre-test: builds ready, `cki_finished: false`; post-test: testing finished, `cki_finished: true`. */
export type MessageKind = 'pre_test' | 'post_test';

/** Which routing rule produced a message (metrics label `kind` uses `retriage` for issue-occurrence re-sends). */
export type RouteName = 'pre_test' | 'post_test' | 'retriage';

/** `compute_overall_status` vocabulary. */
export type OverallStatus = 'success' | 'fail' | 'error';

/** Why a message did not produce a ready-for-test message. One metric label value each. */
export const SKIP_REASONS = [
  'not_checkout',
  'unsupported_status',
  'retrigger',
  'origin',
  'checkout_not_found',
  'invalid_checkout',
  'no_builds',
  'stale_merged_mr',
  'stale_pipeline',
  'unknown_stage',
  'no_successful_builds',
  'retriage_not_reported',
  'retriage_outcome_unchanged',
  'retriage_not_passing',
  'duplicate',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Name under which the notifier keeps its state in the operational store. */
export const JOB_NAME = 'cki-notifier';

/** The dedup identity of one notification: checkout + kind + status. */
export function notificationKey(checkoutId: string, kind: MessageKind, status: OverallStatus): string {
  return `${checkoutId}|${kind}|${status}`;
}
