/**
 * A command timeout ends the work (issue 17): the command's AbortSignal reaches the integration
 * call in flight, the hung request is aborted (its socket closed by the client) and the terminal
 * exits. The services hang for longer than this test is allowed to run, so a CLI that waited for
 * its own per-call timeouts (20–30 s, with retries: the two minutes of the report) fails it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';
import { startSimulatedWorld, type SimulatedWorld } from '../../src/sandbox/world.ts';

interface HangingService {
  url: string;
  requests: { path: string; closedByClient: Promise<void> }[];
  close(): Promise<void>;
}

/** Accepts every request and never answers; records when the client gives up on it. */
async function startHangingService(): Promise<HangingService> {
  const requests: HangingService['requests'] = [];
  const server: Server = createServer((req: IncomingMessage) => {
    requests.push({ path: req.url ?? '', closedByClient: once(req.socket, 'close').then(() => undefined) });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

interface CliRun {
  code: number | null;
  stderr: string;
  /** stderr as it was when the process exited, split at the failure line. */
  afterFailure: string;
}

function runOar(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'oar.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const at = stderr.indexOf('timed out');
      resolve({ code, stderr, afterFailure: at === -1 ? '' : stderr.slice(at) });
    });
  });
}

describe('a command timeout aborts in-flight requests and the terminal exits', () => {
  let world: SimulatedWorld;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oar-cli-timeout-'));
    world = await startSimulatedWorld({ dir });
    world.seedRelease('4.19.1');
  });
  afterAll(async () => {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['ConfigStore (ocp-build-data)', 'release-info', (url: string) => ({ OAR_BUILD_DATA_URL: `${url}/%s/releases.yml` })],
    ['Errata', 'is-release-shipped', (url: string) => ({ ERRATA_URL: url })],
  ])('%s hangs: %s fails with the timeout, the request is aborted, the process exits', async (_name, command, hangEnv) => {
    const hang = await startHangingService();
    try {
      const run = await runOar(['-r', '4.19.1', command], {
        ...world.env,
        ...hangEnv(hang.url),
        OAR_DATA_DIR: join(dir, `data-${command}`),
        OAR_COMMAND_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'silent',
      });
      expect(run.stderr).toContain('Command timed out after 1 s');
      expect(run.code).toBe(1);
      // No request was retried after the timeout (independent reads, e.g. one per advisory, are
      // in flight side by side: each path once), and the client closed every hung one.
      expect(hang.requests.length).toBeGreaterThan(0);
      expect(new Set(hang.requests.map((r) => r.path)).size).toBe(hang.requests.length);
      await Promise.all(hang.requests.map((r) => r.closedByClient));
    } finally {
      await hang.close();
    }
  }, 20_000);
});
