/**
 * A bare Socket Mode client for the simulator's own tests: it acks only when told to, so tests
 * control ack timing exactly (Bolt always acks events at once).
 */
import { WebSocket } from 'ws';
import type { SimulatedSlack } from '../../src/sandbox/slack/index.ts';

export type Frame = Record<string, unknown> & { type?: string; envelope_id?: string; payload?: Record<string, unknown> };

export class RawSocketClient {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly #waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #seen = 0;
  closed: Promise<number>;

  constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      const i = this.#waiters.findIndex((w) => w.pred(frame));
      if (i >= 0) {
        const [w] = this.#waiters.splice(i, 1);
        this.#seen = this.frames.length;
        w!.resolve(frame);
      }
    });
  }

  /** The next frame (not yet returned by next) matching the predicate. */
  next(pred: (f: Frame) => boolean = () => true): Promise<Frame> {
    const idx = this.frames.findIndex((f, i) => i >= this.#seen && pred(f));
    if (idx >= 0) {
      this.#seen = idx + 1;
      return Promise.resolve(this.frames[idx]!);
    }
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }

  nextEnvelope(type?: string): Promise<Frame> {
    return this.next((f) => typeof f.envelope_id === 'string' && (type === undefined || f.type === type));
  }

  ack(envelopeId: string, payload?: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(payload === undefined ? { envelope_id: envelopeId } : { envelope_id: envelopeId, payload }));
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

export async function openConnectionUrl(sim: SimulatedSlack): Promise<string> {
  const res = await fetch(`${sim.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${sim.appToken}` } });
  const body = (await res.json()) as { ok: boolean; url?: string; error?: string };
  if (!body.ok || !body.url) throw new Error(`apps.connections.open failed: ${body.error}`);
  return body.url;
}

export async function connectRawClient(sim: SimulatedSlack): Promise<{ client: RawSocketClient; hello: Frame }> {
  const ws = new WebSocket(await openConnectionUrl(sim));
  const client = new RawSocketClient(ws);
  const hello = await client.next((f) => f.type === 'hello');
  return { client, hello };
}

/** POSTs a Web API call the way @slack/web-api does (form-encoded, JSON-stringified objects). */
export async function callForm(sim: SimulatedSlack, method: string, args: Record<string, unknown>, token = sim.botToken): Promise<Record<string, unknown>> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = await fetch(`${sim.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return (await res.json()) as Record<string, unknown>;
}

export async function callJson(sim: SimulatedSlack, method: string, args: Record<string, unknown>, token = sim.botToken): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Record<string, unknown>;
}
