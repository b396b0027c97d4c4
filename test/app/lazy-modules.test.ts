/**
 * Startup footprint (issue 22): the composer and everything it imports statically leave the MCP
 * SDK and the XML-RPC library unloaded until first use (/mcp or /health, a koji call). Checked
 * in a fresh process, which lists every module it loaded while importing src/app.ts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const app = fileURLToPath(new URL('../../src/app.ts', import.meta.url));
const brew = fileURLToPath(new URL('../../src/integrations/brew.ts', import.meta.url));

async function modulesLoadedBy(script: string): Promise<string[]> {
  const hook = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ load(url, ctx, next) { seen.push(url); return next(url, ctx); } });
    process.on('exit', () => process.stdout.write(JSON.stringify(seen)));`;
  const { stdout } = await run(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, '--input-type=module', '-e', script], { timeout: 60_000 });
  return JSON.parse(stdout) as string[];
}

describe('modules loaded at startup', () => {
  it('importing the composer loads neither the MCP SDK nor @foxglove/xmlrpc', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`await import(${JSON.stringify(app)});`);
    expect(loaded.some((u) => u.endsWith('/src/app.ts'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/@modelcontextprotocol/'))).toEqual([]);
    expect(loaded.filter((u) => u.includes('/@foxglove/xmlrpc/'))).toEqual([]);
  });

  it('the Brew client loads @foxglove/xmlrpc on its first koji call', { timeout: 60_000 }, async () => {
    const loaded = await modulesLoadedBy(`
      const { BrewClient } = await import(${JSON.stringify(brew)});
      const brew = new BrewClient({ hubUrl: 'http://127.0.0.1:1/brewhub', downloadUrl: 'http://127.0.0.1:1', retries: 0 });
      await brew.listTags('kernel-1-1').catch(() => undefined);`);
    expect(loaded.some((u) => u.includes('/@foxglove/xmlrpc/'))).toBe(true);
  });
});
