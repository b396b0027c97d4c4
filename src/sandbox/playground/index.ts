/**
 * The local playground: the whole app with no credentials. One call composes
 *
 *   startPlaygroundWorld (simulated services + simulated Slack, seeded as a demo)
 *   → startApp (the real composition: store, engine, Bolt over a real WebSocket to the simulated
 *     Slack, HTTP server, scheduled jobs on short schedules)
 *   → startPlaygroundServer (the Slack-like web page at http://127.0.0.1:3000, "Run now" wired
 *     to the app's scheduler)
 *
 * `npm start` without Slack tokens runs this; the end-to-end browser test runs exactly this too.
 */
import { homeReleaseOf } from '../../slack/home.ts';
import { loadConfig, type Config } from '../../config/env.ts';
import type { Engine } from '../../engine.ts';
import { loggerFor, type Logger } from '../../log.ts';
import type { CommandRegistry } from '../../commands/registry.ts';
import type { HomeRelease } from '../../blocks/home.ts';
import type { SlackFrontEnd } from '../../slack/index.ts';
import { startApp, type RunningApp } from '../../app.ts';
import type { AnyCommand } from '../../commands/types.ts';
import { startPlaygroundServer, type PlaygroundServer } from './web/server.ts';
import type { JobRunner } from './web/api.ts';
import { DEMO_RELEASES, LEAD, startPlaygroundWorld, type PlaygroundWorld, type PlaygroundWorldOptions } from './world.ts';

export { startPlaygroundWorld, DEMO_RELEASES, LEAD, VIEWER, PERSONAS, PLAYGROUND_CHANNELS, PLAYGROUND_GROUPS, PLAYGROUND_USERS, PLAYGROUND_SCHEDULES } from './world.ts';
export type { PlaygroundWorld, PlaygroundWorldOptions, Persona, DemoBugs } from './world.ts';
export { startPlaygroundServer } from './web/server.ts';
export type { PlaygroundServer, PlaygroundServerOptions } from './web/server.ts';
export type { JobRunner } from './web/api.ts';

export interface PlaygroundOptions {
  /** Port of the web page (default OAR_PLAYGROUND_PORT, 3000; 0 picks a free one). */
  port?: number;
  host?: string;
  /** Variables under the playground's own (e.g. process.env for LOG_LEVEL, DATABASE_URL). */
  baseEnv?: Record<string, string | undefined>;
  /** Variables over the playground's own. */
  env?: Record<string, string>;
  logger?: Logger;
  /** "Run now" for scheduled jobs: default the app's scheduler; null offers none (tests wire their own with setJobRunner). */
  runJob?: JobRunner | null;
  /** Commands added to the app's registry (tests). */
  extraCommands?: AnyCommand[];
  jobNames?: () => string[] | Promise<string[]>;
  /** Where the world keeps its files (default: a temp dir removed on stop). */
  dir?: string;
  slack?: PlaygroundWorldOptions['slack'];
}

export interface Playground {
  /** The web page. */
  url: string;
  /** The environment the app runs with (simulated services, Slack, roles, short schedules). */
  env: Record<string, string>;
  config: Config;
  engine: Engine;
  slackFrontEnd: SlackFrontEnd;
  /** The running app (HTTP server, scheduler, store). */
  app: RunningApp;
  world: PlaygroundWorld;
  server: PlaygroundServer;
  setJobRunner(run: JobRunner | undefined, names?: () => string[] | Promise<string[]>): void;
  stop(): Promise<void>;
}

/** The App Home of the demo releases: their StateBox tasks and blockers, next steps that exist. */
export function playgroundHomeReleases(engine: Pick<Engine, 'statebox' | 'registry' | 'store' | 'logger'>, releases: { release: string; flow: 'konflux' | 'errata' }[]): () => Promise<HomeRelease[]> {
  return async () =>
    Promise.all(
      releases.map(async ({ release, flow }) => {
        const r = await homeReleaseOf(engine, release);
        return { ...r, flow, next: (r.next ?? []).filter((n) => engine.registry.get(n.command)) };
      }),
    );
}

/** Commands to try, limited to what the registry has. */
export function playgroundExamples(registry: CommandRegistry): string[] {
  const { errata, konflux } = DEMO_RELEASES;
  const candidates: [string | undefined, string][] = [
    ['release-info', `/oar ${errata} release-info`],
    ['take-ownership', `/oar ${errata} take-ownership -e ${LEAD.email}`],
    ['change-advisory-status', `/oar ${errata} change-advisory-status`],
    ['release-status', `oar -r ${konflux} release-status`],
    ['release-info', `@oar-bot oar -r ${konflux} release-info`],
    ['check-cve-tracker-bug', `/oar ${errata} check-cve-tracker-bug`],
    ['help', '/oar help'],
  ];
  return candidates.filter(([name]) => !name || registry.get(name)).map(([, text]) => text);
}

export async function startPlayground(opts: PlaygroundOptions = {}): Promise<Playground> {
  const world = await startPlaygroundWorld({ ...(opts.dir ? { dir: opts.dir } : {}), ...(opts.slack ? { slack: opts.slack } : {}) });
  const cleanup: (() => Promise<unknown>)[] = [() => world.stop()];
  const unwind = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    // The real app, composed exactly as in production, pointed at the simulated world.
    const env = { OAR_HTTP_PORT: '0', OAR_HTTP_HOST: '127.0.0.1', ...world.env, ...opts.env };
    const config = loadConfig({ ...opts.baseEnv, ...env });
    const logger = opts.logger ?? loggerFor(config);
    const { errata, konflux } = world.releases;
    const app = await startApp({
      config,
      logger,
      simulated: true,
      ...(opts.extraCommands ? { extraCommands: opts.extraCommands } : {}),
      homeReleases: (engine) => playgroundHomeReleases(engine, [
        { release: errata.release, flow: errata.flow },
        { release: konflux.release, flow: konflux.flow },
      ]),
    });
    cleanup.push(() => app.shutdown('playground stopped'));
    if (!app.slack) throw new Error('the playground needs the Slack front end (simulated Slack tokens missing)');
    const runJob: JobRunner | undefined = opts.runJob === null ? undefined : (opts.runJob ?? ((name) => app.scheduler.runNow(name)));
    const server = await startPlaygroundServer({
      slack: world.slack,
      world: world.world,
      port: opts.port ?? config.OAR_PLAYGROUND_PORT,
      ...(opts.host ? { host: opts.host } : {}),
      personas: world.personas.map((p) => ({ id: p.id, role: p.role })),
      examples: playgroundExamples(app.engine.registry),
      defaultChannel: 'C_QE_RELEASE',
      ...(runJob ? { runJob, jobNames: opts.jobNames ?? (() => app.scheduler.names()) } : {}),
      logger,
    });
    cleanup.push(() => server.close());
    logger.info({ url: server.url }, `oar-bot playground: open ${server.url}`);
    let stopped = false;
    return {
      url: server.url,
      env,
      config,
      engine: app.engine,
      slackFrontEnd: app.slack,
      app,
      world,
      server,
      setJobRunner: (run, names) => server.setJobRunner(run, names),
      async stop() {
        if (stopped) return;
        stopped = true;
        // Page first, then the app (before the Slack it is connected to), then the world.
        await unwind();
      },
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}
