/**
 * The Socket Mode side of the simulator: accepts WebSocket upgrades for tickets handed out by
 * apps.connections.open, greets with `hello`, writes envelopes, and enforces the ack deadline
 * (3 s in Slack): an envelope without an ack in time is recorded as missed, and an ack that
 * arrives later is recorded as late and otherwise ignored, as Slack does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../../log.ts';
import type { FaultRegistry } from './faults.ts';
import type { IdGenerator } from './ids.ts';
import type { Recorder } from './recorder.ts';
import type {
  ConnectionInfo, DeliveryResult, EnvelopeRecord, EnvelopeType, JsonObject, ProtocolIssue,
} from './types.ts';

export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export interface SocketLinkOptions {
  ids: IdGenerator;
  recorder: Recorder;
  faults: FaultRegistry;
  logger: Logger;
  appId: string;
  ackTimeoutMs: number;
  maxConnections: number;
}

export interface DeliverOptions {
  acceptsResponsePayload: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

const ackSchema = z.object({
  envelope_id: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).optional(),
});

interface Connection {
  info: ConnectionInfo;
  ws: WebSocket;
}

interface Pending {
  env: EnvelopeRecord;
  startedAt: number;
  timer: NodeJS.Timeout;
  resolve: (r: DeliveryResult) => void;
}

export class SocketModeLink {
  readonly protocolIssues: ProtocolIssue[] = [];
  readonly #opts: SocketLinkOptions;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: Connection[] = [];
  readonly #pending = new Map<string, Pending>();
  /** Envelopes whose deadline passed: kept to recognise late acks. */
  readonly #expired = new Map<string, { env: EnvelopeRecord; startedAt: number }>();
  readonly #ackDelayTimers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(opts: SocketLinkOptions) {
    this.#opts = opts;
  }

  /** A single-use ticket for the `ws://…/link?ticket=` URL that apps.connections.open returns. */
  issueTicket(): string {
    const ticket = this.#opts.ids.secret();
    this.#tickets.add(ticket);
    return ticket;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (this.#stopped || url.pathname !== '/link' || !this.#tickets.delete(ticket)) {
      // Slack refuses a reused or unknown ticket at the HTTP level.
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const info: ConnectionInfo = { id: this.#connections.length + 1, openedAt: Date.now(), open: true };
    const conn: Connection = { info, ws };
    this.#connections.push(conn);
    ws.on('message', (data, isBinary) => this.#onMessage(conn, data, isBinary));
    ws.on('close', (code) => {
      info.open = false;
      info.closedAt = Date.now();
      info.closeCode = code;
      this.#opts.logger.debug({ connection: info.id, code }, 'simulated slack: socket closed');
      this.#opts.recorder.events.emit('connection', { ...info });
    });
    ws.on('error', (err) => this.#opts.logger.warn({ err, connection: info.id }, 'simulated slack: socket error'));
    const open = this.openConnections();
    ws.send(JSON.stringify({
      type: 'hello',
      num_connections: open.length,
      debug_info: { host: `applink-sim-${info.id}`, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.#opts.appId },
    }));
    this.#opts.logger.debug({ connection: info.id }, 'simulated slack: socket connected');
    this.#opts.recorder.events.emit('connection', { ...info });
    if (open.length > this.#opts.maxConnections) {
      this.#sendDisconnect(conn, 'too_many_websockets');
      info.endedBy = 'too_many_websockets';
      ws.close(1008, 'too_many_websockets');
    }
  }

  #onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const raw = isBinary ? '<binary>' : rawToString(data);
    this.#handleFrame(conn, raw, isBinary);
    this.#opts.recorder.events.emit('inbound', { connectionId: conn.info.id, at: Date.now(), raw });
  }

  #handleFrame(conn: Connection, raw: string, isBinary: boolean): void {
    let parsed: unknown;
    try {
      parsed = isBinary ? undefined : JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const ack = ackSchema.safeParse(parsed);
    if (!ack.success) {
      this.#issue(conn, isBinary ? 'binary frame' : `not an ack: ${ack.error.issues[0]?.message ?? 'invalid JSON'}`, raw);
      return;
    }
    const delay = this.#opts.faults.takeAckDelay();
    if (delay) {
      const t = setTimeout(() => {
        this.#ackDelayTimers.delete(t);
        this.#onAck(conn, ack.data.envelope_id, ack.data.payload ?? {}, raw);
      }, delay.ms);
      this.#ackDelayTimers.add(t);
      return;
    }
    this.#onAck(conn, ack.data.envelope_id, ack.data.payload ?? {}, raw);
  }

  #onAck(conn: Connection, envelopeId: string, payload: JsonObject, raw: string): void {
    const pending = this.#pending.get(envelopeId);
    if (pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(envelopeId);
      const latency = performance.now() - pending.startedAt;
      const env = pending.env;
      env.status = 'acked';
      env.ackedAt = Date.now();
      env.ackLatencyMs = latency;
      env.ackPayload = payload;
      this.#opts.recorder.envelopeChanged(env);
      pending.resolve(result(env, 'acked'));
      return;
    }
    const expired = this.#expired.get(envelopeId);
    if (expired) {
      if (expired.env.lateAckAt === undefined) {
        expired.env.lateAckAt = Date.now();
        expired.env.lateAckLatencyMs = performance.now() - expired.startedAt;
        this.#opts.recorder.envelopeChanged(expired.env);
      } else {
        this.#issue(conn, `second ack for envelope ${envelopeId}`, raw);
      }
      return;
    }
    const known = this.#opts.recorder.envelopes.find((e) => e.envelopeId === envelopeId);
    this.#issue(conn, known ? `second ack for envelope ${envelopeId}` : `ack for unknown envelope ${envelopeId}`, raw);
  }

  #issue(conn: Connection, problem: string, raw: string): void {
    this.protocolIssues.push({ at: Date.now(), connectionId: conn.info.id, problem, raw: raw.slice(0, 2000) });
    this.#opts.logger.warn({ connection: conn.info.id, problem }, 'simulated slack: protocol issue');
  }

  /**
   * Writes an envelope to the newest open connection and resolves when it is acked, when the
   * deadline passes, or at once when no connection is open.
   */
  deliver(type: EnvelopeType, payload: JsonObject, opts: DeliverOptions): Promise<DeliveryResult> {
    const env: EnvelopeRecord = {
      envelopeId: this.#opts.ids.envelopeId(),
      type,
      payload,
      acceptsResponsePayload: opts.acceptsResponsePayload,
      retryAttempt: opts.retryAttempt ?? 0,
      retryReason: opts.retryReason ?? '',
      sentAt: Date.now(),
      status: 'pending',
    };
    // A connection told to disconnect gets nothing new while a fresh one is open.
    const open = this.openConnections();
    const target = open.filter((c) => c.endedBy === undefined).at(-1) ?? open.at(-1);
    if (this.#stopped || !target) {
      env.status = 'undeliverable';
      this.#opts.recorder.recordEnvelope(env);
      return Promise.resolve(result(env, this.#stopped ? 'stopped' : 'no_connection'));
    }
    env.connectionId = target.id;
    const frame: JsonObject = {
      envelope_id: env.envelopeId,
      type,
      accepts_response_payload: env.acceptsResponsePayload,
      payload,
    };
    if (type === 'events_api') {
      frame.retry_attempt = env.retryAttempt;
      frame.retry_reason = env.retryReason;
    }
    return new Promise((resolve) => {
      const startedAt = performance.now();
      const timer = setTimeout(() => {
        this.#pending.delete(env.envelopeId);
        this.#expired.set(env.envelopeId, { env, startedAt });
        env.status = 'missed';
        this.#opts.recorder.envelopeChanged(env);
        this.#opts.logger.debug({ envelope: env.envelopeId, type }, 'simulated slack: ack deadline missed');
        resolve(result(env, 'missed'));
      }, this.#opts.ackTimeoutMs);
      this.#pending.set(env.envelopeId, { env, startedAt, timer, resolve });
      this.#opts.recorder.recordEnvelope(env);
      const conn = this.#connections[target.id - 1]!;
      conn.ws.send(JSON.stringify(frame), (err) => {
        if (err) this.#opts.logger.warn({ err, envelope: env.envelopeId }, 'simulated slack: envelope write failed');
      });
    });
  }

  openConnections(): ConnectionInfo[] {
    return this.#connections.filter((c) => c.info.open && c.ws.readyState === c.ws.OPEN).map((c) => c.info);
  }

  connections(): ConnectionInfo[] {
    return this.#connections.map((c) => ({ ...c.info }));
  }

  #targets(connectionId?: number): Connection[] {
    const open = this.#connections.filter((c) => c.info.open);
    if (connectionId === undefined) return open;
    const one = open.find((c) => c.info.id === connectionId);
    if (!one) throw new Error(`no open socket connection with id ${connectionId}`);
    return [one];
  }

  #sendDisconnect(conn: Connection, reason: DisconnectReason): void {
    conn.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-sim-${conn.info.id}` } }));
  }

  /** Sends a `disconnect` message; the client closes and reconnects. Returns the connections told. */
  disconnect(reason: DisconnectReason, connectionId?: number): number[] {
    const targets = this.#targets(connectionId);
    for (const c of targets) {
      c.info.endedBy = 'disconnect_message';
      this.#sendDisconnect(c, reason);
    }
    return targets.map((c) => c.info.id);
  }

  /** Closes sockets from the server side with a close frame. */
  closeSockets(code = 1001, connectionId?: number): number[] {
    const targets = this.#targets(connectionId);
    for (const c of targets) {
      c.info.endedBy = 'server_close';
      c.ws.close(code, 'closed by simulated Slack');
    }
    return targets.map((c) => c.info.id);
  }

  /** Destroys sockets without a close frame, like a network drop. */
  dropSockets(connectionId?: number): number[] {
    const targets = this.#targets(connectionId);
    for (const c of targets) {
      c.info.endedBy = 'dropped';
      c.ws.terminate();
    }
    return targets.map((c) => c.info.id);
  }

  /**
   * Stops delivering, resolves pending envelopes as `stopped`, and closes sockets with a close
   * frame (so a client that is shutting down finishes its close handshake without an error),
   * destroying any that have not closed within a second.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#ackDelayTimers) clearTimeout(t);
    this.#ackDelayTimers.clear();
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.resolve(result(p.env, 'stopped'));
    }
    this.#pending.clear();
    const open = this.#connections.filter((c) => c.ws.readyState !== c.ws.CLOSED);
    const closed = open.map((c) => new Promise<void>((resolve) => c.ws.once('close', () => resolve())));
    for (const c of open) {
      c.info.endedBy ??= 'stopped';
      if (c.ws.readyState === c.ws.OPEN) c.ws.close(1001, 'simulated Slack stopping');
    }
    // node:timers/promises is not replaced by fake timers, so stop() cannot hang under them.
    const grace = new AbortController();
    await Promise.race([Promise.all(closed), delay(1000, undefined, { signal: grace.signal }).catch(() => undefined)]);
    grace.abort();
    for (const c of open) if (c.ws.readyState !== c.ws.CLOSED) c.ws.terminate();
    this.#wss.close();
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function result(env: EnvelopeRecord, outcome: DeliveryResult['outcome']): DeliveryResult {
  return {
    envelopeId: env.envelopeId,
    type: env.type,
    outcome,
    acked: outcome === 'acked',
    ack: outcome === 'acked' ? env.ackPayload : undefined,
    ackLatencyMs: outcome === 'acked' ? env.ackLatencyMs : undefined,
    retryAttempt: env.retryAttempt,
  };
}
