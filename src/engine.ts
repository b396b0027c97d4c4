/**
 * The engine without any front end: config -> logger -> store -> StateBox -> integrations ->
 * ConfigStore cache -> runner. Used by the terminal, MCP and the bot's composition root.
 */
import type { Config } from './config/env.ts';
import { loadConfig } from './config/env.ts';
import { loggerFor, makeSecretMasker, secretValues, type Logger } from './log.ts';
import { ConfigStoreCache, ConfigStoreLoader } from './release/configstore.ts';
import type { CommandRegistry } from './commands/registry.ts';
import { createRegistry } from './commands/index.ts';
import { MemoryStateBox, type StateBoxPort } from './commands/ports.ts';
import { Runner, TERMINAL_AUTHORIZER, type Authorizer } from './commands/runner.ts';
import { LazyServices } from './commands/services.ts';
import type { Store } from './store/types.ts';
import type { FetchLike } from './integrations/http.ts';

export interface EngineOptions {
  env?: NodeJS.ProcessEnv;
  config?: Config;
  debug?: boolean;
  registry?: CommandRegistry;
  frontEnd: 'cli' | 'bot' | 'mcp' | 'test';
  authorizer?: Authorizer;
  fetch?: FetchLike;
  logger?: Logger;
  store?: Store;
  statebox?: StateBoxPort;
}

export interface Engine {
  config: Config;
  logger: Logger;
  registry: CommandRegistry;
  runner: Runner;
  store: Store | undefined;
  statebox: StateBoxPort;
  configStores: ConfigStoreCache;
  close(): Promise<void>;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const config = opts.config ?? loadConfig(opts.env ?? process.env);
  const logger = opts.logger ?? loggerFor(opts.debug ? { ...config, LOG_LEVEL: 'debug' } : opts.frontEnd === 'cli' ? { ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL } : config);
  const registry = opts.registry ?? createRegistry();
  const loader = new ConfigStoreLoader({ config, fetch: opts.fetch });
  const configStores = new ConfigStoreCache({
    build: (release) => loader.load(release),
    maxSize: config.OAR_CONFIG_CACHE_MAX,
    ttlMs: config.OAR_CONFIG_CACHE_TTL_MS,
  });
  const store = opts.store;
  const statebox = opts.statebox ?? new MemoryStateBox();
  const runner = new Runner({
    config,
    logger,
    store,
    statebox,
    services: new LazyServices(),
    configStores,
    authorizer: opts.authorizer ?? TERMINAL_AUTHORIZER,
    mask: makeSecretMasker(secretValues(config)),
  });
  return {
    config,
    logger,
    registry,
    runner,
    store,
    statebox,
    configStores,
    async close() {
      await store?.close();
    },
  };
}
