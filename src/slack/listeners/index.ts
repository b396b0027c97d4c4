/** Every Slack listener, one per file; index.ts registers them all on the Bolt app. */
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import * as appHomeOpened from './app-home-opened.ts';
import * as appMention from './app-mention.ts';
import * as approve from './approve.ts';
import * as reject from './reject.ts';
import * as confirmClosed from './confirm-closed.ts';
import * as confirmOpen from './confirm-open.ts';
import * as confirmSubmit from './confirm-submit.ts';
import * as message from './message.ts';
import * as runButton from './run-button.ts';
import * as slashCommand from './slash-command.ts';
import * as watchCancel from './watch-cancel.ts';
import * as share from './share.ts';
import * as retry from './retry.ts';
import * as helpButton from './help-button.ts';
import * as linkButton from './link-button.ts';
import * as resolveButton from './resolve-button.ts';
import * as resolveSubmit from './resolve-submit.ts';
import * as homeRefresh from './home-refresh.ts';

export interface Listener {
  register(app: App, deps: ListenerDeps): void;
}

export const LISTENERS: readonly Listener[] = [slashCommand, message, appMention, runButton, watchCancel, confirmOpen, approve, reject, confirmSubmit, confirmClosed, appHomeOpened, share, retry, helpButton, linkButton, resolveButton, resolveSubmit, homeRefresh];
