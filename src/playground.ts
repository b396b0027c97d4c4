/**
 * `npm start` without Slack tokens: the local playground, running until Ctrl-C or SIGTERM.
 * The terminal shows a short banner (page, HTTP endpoints, what to try, the one line that points a
 * second terminal's `npx oar` at this world); the app's logs go to a file under the data directory,
 * with warnings and errors still on the terminal.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from './config/env.ts';
import { createLogger, secretValues, type Logger } from './log.ts';
import { playgroundDir, removePlaygroundLink, writePlaygroundLink } from './cli/playground-link.ts';
import { startPlayground, DEMO_RELEASES, LEAD } from './sandbox/playground/index.ts';

/** Simulated in the playground (the startup report and the banner say so). */
export const SIMULATED_SERVICES = ['Slack', 'Jira', 'Errata Tool', 'GitLab', 'GitHub (StateBox, ART tracking files)', 'Jenkins', 'Prow/Gangway', 'release controller and registry', 'ConfigStore (demo key)'];

/** Everything to the log file at LOG_LEVEL; warnings and errors also to the terminal. */
export function playgroundLogger(logFile: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const config = loadConfig(env);
  const level = config.LOG_LEVEL;
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  const terminal = levels.indexOf(level) > levels.indexOf('warn') ? level : 'warn';
  const destination = pino.multistream([
    { level: level === 'silent' ? 'fatal' : level, stream: pino.destination({ dest: logFile, mkdir: true, sync: true }) },
    { level: terminal === 'silent' ? 'fatal' : terminal, stream: pino.destination(2) },
  ]);
  return createLogger({ level, format: 'json', secrets: secretValues(config), destination });
}

/** The banner: short enough to stay on the first screen. */
export function playgroundBanner(o: { url: string; httpUrl: string; logFile: string; linkFile: string }): string {
  const { errata, konflux } = DEMO_RELEASES;
  return [
    '',
    `oar-bot playground: open ${o.url}`,
    `  health ${o.httpUrl}/health   metrics ${o.httpUrl}/metrics   mcp ${o.httpUrl}/mcp`,
    `  logs   ${o.logFile}`,
    `Try, as Rita Lead (switch to Victor Viewer to see authorization):`,
    `  /oar ${errata} take-ownership -e ${LEAD.email}`,
    `  oar -r ${konflux} release-status`,
    `  /oar ${errata} change-advisory-status   (critical: confirm in the modal)`,
    `From another terminal in this directory (same simulated world and store):`,
    `  npx oar --playground -r ${konflux} release-status`,
    `Simulated on 127.0.0.1: ${SIMULATED_SERVICES.join(', ')}. No Slack workspace or Red Hat service is used.`,
    `(link for the terminal: ${o.linkFile})`,
    '',
  ].join('\n');
}

export async function runPlayground(): Promise<void> {
  // A fresh demo world on every start, kept under the data directory (not a hidden temp dir).
  const dir = playgroundDir(process.env);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'oar-bot.log');
  const logger = playgroundLogger(logFile);
  const pg = await startPlayground({ baseEnv: process.env, dir, logger, env: { OAR_HTTP_PORT: process.env.OAR_HTTP_PORT ?? '8080' } });
  const linkFile = writePlaygroundLink(dir, { pid: process.pid, url: pg.url, env: pg.env });
  process.stderr.write(playgroundBanner({ url: pg.url, httpUrl: pg.app.http.url, logFile, linkFile }));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the playground…\n`);
    removePlaygroundLink(dir);
    void pg.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
