/** HttpClient over a raw transport (DataWarehouse's undici pool): the same contract as over fetch. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient, IntegrationError, type RawAnswer, type RawRequest, type RawTransport } from '../../src/integrations/http.ts';

function scripted(answers: (RawAnswer | Error)[]): RawTransport & { sent: RawRequest[] } {
  const sent: RawRequest[] = [];
  return {
    sent,
    send: async (req) => {
      sent.push(req);
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: RawAnswer['headers'] = {}): RawAnswer => ({ status, headers, text: JSON.stringify(body) });

describe('HttpClient with a raw transport', () => {
  it('retries a 503, validates the JSON answer and tells the observer of each attempt', async () => {
    const transport = scripted([json(503, { detail: 'busy' }, { 'retry-after': '0' }), json(200, { id: 'x' })]);
    const seen: (number | string)[] = [];
    const http = new HttpClient({
      system: 'Svc',
      baseUrl: 'http://svc.test/api/',
      headers: () => ({ authorization: 'Token t' }),
      transport,
      minRetryDelayMs: 0,
      timeoutMs: 1234,
      observer: (e) => seen.push(e.status),
    });
    await expect(http.request('loading x', { path: 'things/x', schema: z.object({ id: z.string() }) })).resolves.toEqual({ id: 'x' });
    expect(seen).toEqual([503, 200]);
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[0]).toMatchObject({ method: 'GET', url: 'http://svc.test/api/things/x', timeoutMs: 1234, headers: { accept: 'application/json', authorization: 'Token t' } });
  });

  it('names a timed-out attempt as such and a schema mismatch as an unexpected answer', async () => {
    const seen: (number | string)[] = [];
    const timedOut = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const http = new HttpClient({ system: 'Svc', baseUrl: 'http://svc.test/', transport: scripted([timedOut, json(200, { id: 1 })]), retries: 1, minRetryDelayMs: 0, timeoutMs: 50, observer: (e) => seen.push(e.status) });
    const err = await http.request('loading x', { path: 'x', schema: z.object({ id: z.string() }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrationError);
    expect((err as IntegrationError).userMessage).toMatch(/^Svc refused loading x: 200 \(unexpected answer: id: /);
    expect(seen).toEqual(['timeout', 200]);
    const once = new HttpClient({ system: 'Svc', baseUrl: 'http://svc.test/', transport: scripted([timedOut]), retries: 0, timeoutMs: 50 });
    await expect(once.request('loading x', { path: 'x' })).rejects.toThrow('Svc did not answer loading x (timed out after 50 ms)');
  });

  it('stops waiting for the next attempt when the caller cancels, and says so', async () => {
    const inner = scripted([json(503, {}, { 'retry-after': '60' })]);
    const { promise: answered, resolve } = Promise.withResolvers<void>();
    const transport: RawTransport = { send: (req) => inner.send(req).finally(resolve) };
    const ctl = new AbortController();
    const http = new HttpClient({ system: 'Svc', baseUrl: 'http://svc.test/', transport, minRetryDelayMs: 0 });
    const call = http.request('loading x', { path: 'x', signal: ctl.signal });
    // The first attempt has been answered 503 with Retry-After: 60; the next would wait a minute.
    await answered;
    ctl.abort();
    await expect(call).rejects.toThrow('Svc did not answer loading x (cancelled)');
    expect(inner.sent).toHaveLength(1);
  });

  it('refuses responseType "response": a raw transport builds no Response', async () => {
    const http = new HttpClient({ system: 'Svc', baseUrl: 'http://svc.test/', transport: scripted([json(200, {})]) });
    await expect(http.request('loading x', { path: 'x', responseType: 'response' })).rejects.toThrow(TypeError);
  });
});
