/**
 * The MCP front end is loaded on the first /mcp request or /health (issue 22: footprint). A load
 * that fails does not crash the bot nor stick: /mcp answers 503 naming the failure, /health keeps
 * answering with the failure as a warning, and the next request loads MCP again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('../../src/mcp/http.ts');
  vi.resetModules();
});

describe('MCP loaded on first use', () => {
  it('a failing load answers 503 on /mcp and a warning on /health; the next request loads it', { timeout: 60_000 }, async () => {
    vi.resetModules();
    vi.doMock('../../src/mcp/http.ts', () => {
      throw new Error('simulated: the MCP SDK is missing');
    });
    const { startApp } = await import('../../src/app.ts');
    const dir = mkdtempSync(join(tmpdir(), 'oar-mcp-lazy-'));
    const app = await startApp({ env: { OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', OAR_DATA_DIR: dir, LOG_LEVEL: 'silent', OAR_JOBS_ENABLED: 'false' } });
    try {
      const mcpRequest = () =>
        fetch(`${app.http.url}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
      const failed = await mcpRequest();
      expect(failed.status).toBe(503);
      expect(((await failed.json()) as { error: string }).error).toMatch(/^MCP is unavailable: /);

      const health = (await (await fetch(`${app.http.url}/health`)).json()) as { warnings: string[]; tools?: unknown };
      expect(health.tools).toBeUndefined();
      expect(health.warnings.some((w) => w.startsWith('MCP tools') && w.includes('MCP is unavailable'))).toBe(true);

      vi.doUnmock('../../src/mcp/http.ts');
      const healthAfter = (await (await fetch(`${app.http.url}/health`)).json()) as { warnings: string[]; tools?: { total: number } };
      expect(healthAfter.tools?.total).toBeGreaterThan(20);
      expect(healthAfter.warnings.filter((w) => w.startsWith('MCP tools'))).toEqual([]);
      // The MCP endpoint itself answers now (its own authentication decides, not a load failure).
      expect((await mcpRequest()).status).not.toBe(503);
    } finally {
      await app.shutdown('test');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
