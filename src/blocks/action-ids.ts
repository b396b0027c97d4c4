/**
 * Every Block Kit action id and view callback id the Slack front end listens to, in one place:
 * the builders in blocks/ put them on buttons and modals, the listeners in slack/listeners/
 * match on them.
 */

/** Next-step buttons: `oar_run_0`… (action ids must be unique within one actions block). */
export const RUN_ACTION_PREFIX = 'oar_run_';
export const RUN_ACTION_PATTERN = /^oar_run_\d+$/;
export const runActionId = (i: number): string => `${RUN_ACTION_PREFIX}${i}`;

/** "Retry" on a failure: runs the same command line again. */
export const RETRY_ACTION_ID = 'oar_retry';
/** "Help for this command" on a failure. */
export const HELP_ACTION_ID = 'oar_help';
/** "Share in channel" on a private (ephemeral) answer. */
export const SHARE_ACTION_ID = 'oar_share';
/** Buttons that only open a URL (Open StateBox, links): Slack still sends an action to ack. */
export const LINK_ACTION_PATTERN = /^oar_link(_\d+)?$/;
export const linkActionId = (i = 0): string => `oar_link_${i}`;

/** "Review and confirm" for a critical command typed as a message (no trigger_id). */
export const CONFIRM_OPEN_ACTION_ID = 'oar_confirm_open';
/** Second-person approval: Approve / Reject on the request. */
export const APPROVE_ACTION_ID = 'oar_approve';
export const REJECT_ACTION_ID = 'oar_reject';
/** "Stop watching" on a long-running command. */
export const WATCH_CANCEL_ACTION_ID = 'oar_watch_cancel';

/** "Resolve" on an open blocker: opens the resolution modal. */
export const RESOLVE_ACTION_ID = 'oar_resolve';
export const RESOLVE_CALLBACK = 'oar_resolve_issue';
export const RESOLVE_BLOCK = 'oar_resolution';
export const RESOLVE_INPUT = 'text';

/** App Home "Refresh". */
export const HOME_REFRESH_ACTION_ID = 'oar_home_refresh';

/** Critical-command confirmation modal. */
export const CONFIRM_CALLBACK = 'oar_confirm';
export const CONFIRM_BLOCK = 'oar_confirm_release';
export const CONFIRM_ACTION = 'value';
