/**
 * Record and seed types of the simulated Slack. Everything the driver API hands back
 * to tests is one of these plain objects (copies, never live state).
 */

export type JsonObject = Record<string, unknown>;
export type Block = JsonObject;

export interface SeedUser {
  id: string;
  /** Slack handle (`user.name`). */
  name: string;
  real_name: string;
  email: string;
  isBot?: boolean;
  deleted?: boolean;
  tz?: string;
}

export interface SeedGroup {
  id: string;
  /** The mention handle, e.g. `openshift-qe-release-4-19`. */
  handle: string;
  name: string;
  users: string[];
  description?: string;
}

export interface SeedChannel {
  id: string;
  /** Without the leading `#`. */
  name: string;
  isPrivate?: boolean;
  /** Member user ids (the bot included when it is a member). Undefined: everyone, bot included. */
  members?: string[];
}

export type TokenKind = 'bot' | 'app' | 'none' | 'invalid';

/** One recorded HTTP request: Web API call, response_url post or file upload. */
export interface CallRecord {
  /** Monotonic sequence number, starting at 1; pass it as `since` to `waitFor`. */
  seq: number;
  /** Web API method name, `response_url` or `file_upload`. */
  method: string;
  args: JsonObject;
  token: TokenKind;
  /** Epoch milliseconds when the request was received. */
  at: number;
  /** HTTP status returned. */
  status: number;
  ok: boolean;
  error?: string;
  response: unknown;
  /** Set when the answer came from an injected fault. */
  fault?: string;
}

export type MessageSource = 'api' | 'user' | 'response_url' | 'ack' | 'file';

export interface FileRef {
  id: string;
  name: string;
  title: string;
  size: number;
}

export interface MessageRecord {
  channel: string;
  ts: string;
  /** Root ts of the thread this message replies in. */
  threadTs?: string;
  /** Author user id (the bot user for bot posts). */
  user: string;
  botId?: string;
  text: string;
  blocks?: Block[];
  attachments?: unknown[];
  metadata?: unknown;
  files?: FileRef[];
  ephemeral: boolean;
  /** For ephemeral messages: the only user who sees it. */
  visibleTo?: string;
  replyBroadcast?: boolean;
  subtype?: string;
  source: MessageSource;
  postedAt: number;
  editedAt?: number;
  /** How many times the message was edited (chat.update, replace_original). */
  edits: number;
  deleted: boolean;
}

export type ViewType = 'modal' | 'home';

export interface ViewRecord {
  id: string;
  type: ViewType;
  /** The user who sees the view. */
  user: string;
  callback_id?: string;
  external_id?: string;
  private_metadata?: string;
  title?: JsonObject;
  submit?: JsonObject;
  close?: JsonObject;
  blocks: Block[];
  notify_on_close: boolean;
  clear_on_close: boolean;
  hash: string;
  root_view_id: string | null;
  previous_view_id: string | null;
  state: { values: Record<string, Record<string, JsonObject>> };
  open: boolean;
  /** `response_action: errors` of the last submission, if any. */
  errors?: Record<string, string>;
  openedAt: number;
  updatedAt: number;
  closedReason?: 'submitted' | 'closed' | 'cleared' | 'replaced';
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export type EnvelopeStatus = 'pending' | 'acked' | 'missed' | 'undeliverable';

export interface EnvelopeRecord {
  envelopeId: string;
  type: EnvelopeType;
  payload: JsonObject;
  acceptsResponsePayload: boolean;
  retryAttempt: number;
  retryReason: string;
  /** Connection the envelope was written to (undefined when no socket was open). */
  connectionId?: number;
  sentAt: number;
  status: EnvelopeStatus;
  ackedAt?: number;
  ackLatencyMs?: number;
  ackPayload?: JsonObject;
  /** An ack that arrived after the deadline: Slack ignores it, the simulator records it. */
  lateAckAt?: number;
  lateAckLatencyMs?: number;
}

export type DeliveryOutcome = 'acked' | 'missed' | 'no_connection' | 'stopped';

/** What a driver call that sends an envelope resolves with. */
export interface DeliveryResult {
  envelopeId: string;
  type: EnvelopeType;
  outcome: DeliveryOutcome;
  acked: boolean;
  /** The ack's payload (`{}` for a bare ack), undefined when not acked. */
  ack: JsonObject | undefined;
  /** From writing the envelope to receiving the ack, in milliseconds. */
  ackLatencyMs: number | undefined;
  retryAttempt: number;
}

export interface ConnectionInfo {
  id: number;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
  /** Why the simulator ended it, when it did. */
  endedBy?: 'disconnect_message' | 'server_close' | 'dropped' | 'too_many_websockets' | 'stopped';
  open: boolean;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  declaredLength: number;
  bytes: Buffer | undefined;
  altText?: string;
  snippetType?: string;
  channel?: string;
  threadTs?: string;
  completed: boolean;
}

/** A frame the app wrote to the socket (acks and anything else). */
export interface InboundFrame {
  connectionId: number;
  at: number;
  raw: string;
}

export interface ProtocolIssue {
  at: number;
  connectionId: number;
  problem: string;
  raw: string;
}
