/**
 * Simulated Slack for end-to-end tests, the Slack-ack benchmark and the local playground:
 * a real HTTP Web API and a real Socket Mode WebSocket on 127.0.0.1, driven by the API below.
 * See docs/sandbox-slack.md.
 */
export { startSimulatedSlack, SimulatedSlack } from './simulated-slack.ts';
export type {
  SimulatedSlackOptions, SlashCommandInput, SlashCommandResult, SendMessageInput, SentMessage, EventDelivery,
  ClickInput, ClickResult, SubmitViewInput, SubmitViewResult, CloseViewResult,
} from './simulated-slack.ts';
export { slashCommandAckBurst } from './bench-helpers.ts';
export type { AckBurstOptions, AckBurstResult } from './bench-helpers.ts';
export type { Fault } from './faults.ts';
export type { DisconnectReason } from './socket-link.ts';
export type { SubscribedEvent } from './context.ts';
export type { SimpleValue, StateValues } from './view-state.ts';
export type { EventRecord } from './events.ts';
export { LIMITS, validateBlocks, validateView } from './limits.ts';
export { DEFAULT_CHANNELS, DEFAULT_GROUPS, DEFAULT_USERS, SIM_APP_ID, SIM_BOT, SIM_TEAM, SIM_TOKENS } from './defaults.ts';
export type {
  CallRecord, ConnectionInfo, DeliveryOutcome, InboundFrame, DeliveryResult, EnvelopeRecord, EnvelopeStatus, EnvelopeType, FileRef,
  JsonObject, MessageRecord, MessageSource, ProtocolIssue, SeedChannel, SeedGroup, SeedUser, StoredFile, TokenKind,
  ViewRecord, ViewType,
} from './types.ts';
