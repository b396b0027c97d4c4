/**
 * What the Web API handlers, the HTTP server and the driver share.
 */
import type { Logger } from '../../log.ts';
import type { EventDispatcher } from './events.ts';
import type { IdGenerator } from './ids.ts';
import type { Recorder } from './recorder.ts';
import type { Identity } from './shapes.ts';
import type { SocketModeLink } from './socket-link.ts';
import type { Workspace } from './workspace.ts';

/** Bot events as the manifest names them; `message` alone stands for every message.* event. */
export type SubscribedEvent = 'message' | 'message.channels' | 'message.groups' | 'message.im' | 'message.mpim' | 'app_mention' | 'app_home_opened';

export interface SimContext {
  workspace: Workspace;
  ids: IdGenerator;
  recorder: Recorder;
  link: SocketModeLink;
  events: EventDispatcher;
  identity: Identity;
  logger: Logger;
  botToken: string;
  appToken: string;
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl: () => string;
  echoBotMessages: boolean;
  subscribedEvents: ReadonlySet<SubscribedEvent>;
}
