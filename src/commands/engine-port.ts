/**
 * The engine's shape: what the composition root (src/engine.ts) builds and hands to the front
 * ends and the jobs, declared here so they can name it without importing the composer.
 */
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { ConfigStoreCache, LocalConfig } from '../release/configstore.ts';
import type { StateBoxService } from '../release/statebox/index.ts';
import type { Store } from '../store/types.ts';
import type { CommandRegistry } from './registry.ts';
import type { Runner } from './runner.ts';
import type { Services } from './services.ts';
import type { StateBoxPort } from './ports.ts';

export interface Engine {
  config: Config;
  logger: Logger;
  registry: CommandRegistry;
  runner: Runner;
  store: Store | undefined;
  statebox: StateBoxService;
  /** The StateBox as the commands' port (jobs record watch outcomes through it). */
  stateboxPort: StateBoxPort;
  configStores: ConfigStoreCache;
  /** The decrypted local config (contacts, owners) without any release. */
  localConfig(): Promise<LocalConfig>;
  /** Integration clients for work outside a command (jobs). */
  services(release?: string): Services;
  close(): Promise<void>;
}
