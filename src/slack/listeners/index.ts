/** Every Slack listener, one per file; index.ts registers them all on the Bolt app. */
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.ts';
import * as appHomeOpened from './app-home-opened.ts';
import * as appMention from './app-mention.ts';
import * as approve from './approve.ts';
import * as confirmClosed from './confirm-closed.ts';
import * as confirmOpen from './confirm-open.ts';
import * as confirmSubmit from './confirm-submit.ts';
import * as message from './message.ts';
import * as runButton from './run-button.ts';
import * as slashCommand from './slash-command.ts';
import * as watchCancel from './watch-cancel.ts';

export interface Listener {
  register(app: App, deps: ListenerDeps): void;
}

export const LISTENERS: readonly Listener[] = [slashCommand, message, appMention, runButton, watchCancel, confirmOpen, approve, confirmSubmit, confirmClosed, appHomeOpened];
