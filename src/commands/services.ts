/**
 * Integration clients for commands, built lazily and asynchronously: a command asks only for
 * the clients its release's flow needs (an Errata-flow release never builds the GitLab client —
 * a defect of the original, which built it up front and failed), and a client whose base URL
 * comes from the ConfigStore is built after the ConfigStore is loaded.
 */

import type { IntegrationDeps, IntegrationMap } from '../integrations/index.ts';
import type { StateBoxService } from '../release/statebox/index.ts';

/** Name → client type: every integration client, and the process's StateBox service. */
export interface ServiceMap extends IntegrationMap {
  /** Commands that create a StateBox or add issues to it. */
  statebox: StateBoxService;
}

/** What the services of a process are built from (src/commands/service-factory.ts). */
export interface ServicesDeps extends IntegrationDeps {
  /** The process's StateBox service. */
  statebox?: StateBoxService;
}

export class ServiceUnavailableError extends Error {
  readonly service: string;
  constructor(service: string, why: string) {
    super(`${service} is not available: ${why}`);
    this.name = 'ServiceUnavailableError';
    this.service = service;
  }
}

export interface Services {
  get<K extends keyof ServiceMap>(name: K): Promise<ServiceMap[K]>;
  has(name: keyof ServiceMap): boolean;
}

export type ServiceFactories = { [K in keyof ServiceMap]?: () => ServiceMap[K] | Promise<ServiceMap[K]> };

export class LazyServices implements Services {
  private readonly factories: ServiceFactories;
  private readonly built = new Map<keyof ServiceMap, Promise<unknown>>();

  constructor(factories: ServiceFactories = {}) {
    this.factories = factories;
  }

  get<K extends keyof ServiceMap>(name: K): Promise<ServiceMap[K]> {
    const existing = this.built.get(name);
    if (existing) return existing as Promise<ServiceMap[K]>;
    const factory = this.factories[name] as (() => ServiceMap[K] | Promise<ServiceMap[K]>) | undefined;
    if (!factory) return Promise.reject(new ServiceUnavailableError(String(name), 'not configured in this process'));
    const p = Promise.resolve().then(factory);
    // A failed construction (missing credentials) is not cached: the next command retries.
    p.catch(() => this.built.delete(name));
    this.built.set(name, p);
    return p;
  }

  has(name: keyof ServiceMap): boolean {
    return this.factories[name] !== undefined;
  }

  /** Which clients were actually built (tests assert flows build only what they need). */
  builtNames(): string[] {
    return [...this.built.keys()].map(String);
  }
}
