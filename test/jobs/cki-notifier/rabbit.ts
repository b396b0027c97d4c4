/**
 * Helpers for the tests against the real RabbitMQ on 127.0.0.1:5672 (guest/guest). Nothing here
 * skips: an unreachable broker makes the tests fail.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';

const run = promisify(execFile);

export const BROKER = { protocol: 'amqp', hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' } as const;

export function uniqueNames() {
  const id = randomUUID().slice(0, 8);
  return {
    id,
    webhooks: `test.cki.webhooks.${id}`,
    queue: `test.cki.queue.${id}`,
    readyForTest: `test.cki.ready-for-test.${id}`,
    results: `test.cki.results.${id}`,
  };
}

export async function openBroker(): Promise<{ conn: ChannelModel; ch: ConfirmChannel }> {
  let conn: ChannelModel;
  try {
    conn = await connect(BROKER, { timeout: 5000, clientProperties: { connection_name: 'cki-notifier-test-harness' } });
  } catch (e) {
    throw new Error(`RabbitMQ is required on 127.0.0.1:5672 (guest/guest) for these tests: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  conn.on('error', () => undefined);
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => undefined);
  return { conn, ch };
}

/** A durable queue bound to the ready-for-test exchange, where the test reads what was published. */
export async function bindResults(ch: ConfirmChannel, exchange: string, queue: string): Promise<void> {
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(queue, { durable: true });
  await ch.bindQueue(queue, exchange, '#');
}

export async function publishConfirmed(ch: ConfirmChannel, exchange: string, routingKey: string, body: unknown, headers: Record<string, unknown> = {}): Promise<void> {
  const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  await new Promise<void>((resolve, reject) => {
    ch.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', headers }, (err: unknown) => (err ? reject(err) : resolve()));
  });
}

/** Every message currently in a queue (acked as read). */
export async function drain(ch: ConfirmChannel, queue: string): Promise<GetMessage[]> {
  const out: GetMessage[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (m === false) return out;
    out.push(m);
  }
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 60_000 });
  return stdout;
}

/** Close, server-side, every connection whose client named itself `name`. */
export async function closeConnectionsNamed(name: string): Promise<number> {
  // Plain (tab-separated) output: the JSON formatter prints pids in a form close_connection rejects.
  const lines = (await rabbitmqctl('list_connections', 'pid', 'client_properties', '-q')).split('\n');
  const pids = lines.filter((l) => l.includes(`{"connection_name","${name}"}`)).map((l) => l.split('\t')[0]!.trim());
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'cki-notifier test: simulated connection loss');
  return pids.length;
}

export async function deleteAll(ch: ConfirmChannel, names: { queues: string[]; exchanges: string[] }): Promise<void> {
  for (const q of names.queues) await ch.deleteQueue(q).catch(() => undefined);
  for (const e of names.exchanges) await ch.deleteExchange(e).catch(() => undefined);
}

/** Resolves when `predicate` holds, re-checked on every call of the returned `poke`. */
export function waitUntil(predicate: () => boolean): { done: Promise<void>; poke: () => void } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const poke = () => {
    if (predicate()) resolve();
  };
  return { done, poke };
}
