/**
 * Integration clients for commands, built lazily: a command asks only for the clients its
 * release's flow needs (an Errata-flow release never builds the GitLab client — a defect of the
 * original, which built it up front and failed).
 */

/** Name → client type. Extended by `src/integrations/index.ts` through declaration merging. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceMap {}

export class ServiceUnavailableError extends Error {
  readonly service: string;
  constructor(service: string, why: string) {
    super(`${service} is not available: ${why}`);
    this.name = 'ServiceUnavailableError';
    this.service = service;
  }
}

export interface Services {
  get<K extends keyof ServiceMap>(name: K): ServiceMap[K];
  has(name: keyof ServiceMap): boolean;
}

type Factories = { [K in keyof ServiceMap]?: () => ServiceMap[K] };

export class LazyServices implements Services {
  private readonly factories: Factories;
  private readonly built = new Map<keyof ServiceMap, unknown>();

  constructor(factories: Factories = {}) {
    this.factories = factories;
  }

  get<K extends keyof ServiceMap>(name: K): ServiceMap[K] {
    if (this.built.has(name)) return this.built.get(name) as ServiceMap[K];
    const factory = this.factories[name];
    if (!factory) throw new ServiceUnavailableError(String(name), 'not configured in this process');
    const client = factory();
    this.built.set(name, client);
    return client as ServiceMap[K];
  }

  has(name: keyof ServiceMap): boolean {
    return this.factories[name] !== undefined;
  }

  /** Which clients were actually built (tests assert flows build only what they need). */
  builtNames(): string[] {
    return [...this.built.keys()].map(String);
  }
}
