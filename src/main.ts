/**
 * `npm start` (through bin/oar-bot.js, which turns the compile cache on first): the bot. Without Slack tokens (and outside production) it starts the local
 * playground: simulated Slack and services, the real app connected to them, and a web page.
 */
import { enableCompileCache } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Node's compile cache (in the temp directory, or NODE_COMPILE_CACHE) keeps the next start from
// stripping types and compiling ~1,400 modules again: start to Socket Mode connected roughly
// halves. Where the cache cannot be written Node simply runs without it. (Already on when started
// through bin/oar-bot.js; this covers `node src/main.ts`.)
enableCompileCache?.();
// Imported after the cache is on (a static import would be evaluated before it).
const { ConfigError, loadConfig } = await import('./config/env.ts');

let config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
const playground = config.OAR_PLAYGROUND === 'on' || (config.OAR_PLAYGROUND === 'auto' && !(config.SLACK_BOT_TOKEN && config.SLACK_APP_TOKEN) && config.NODE_ENV !== 'production');
try {
  if (playground) {
    const { runPlayground } = await import('./playground.ts');
    await runPlayground();
  } else {
    const { startApp } = await import('./app.ts');
    await startApp({ config, installSignals: true });
    releaseStartupMemory();
  }
} catch (e) {
  console.error(`oar-bot could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

/**
 * Startup (compiling ~1,100 modules, building the registry and the clients) grows V8's young
 * generation to its maximum and V8 keeps it that size while idle. One memory-reducing collection
 * once the bot is up gives that back (issue 22: idle RSS). `gc` is reachable only through a flag,
 * exposed for this one call and hidden again; where that fails the bot just keeps the memory.
 */
function releaseStartupMemory(): void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as ((options: object) => void) | undefined;
    gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    // Not fatal: the memory is merely kept.
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
