/**
 * The link between a running playground and a terminal: `npm start` writes the environment its app
 * runs with (simulated service URLs and their demo credentials, the SQLite data directory, the
 * roles file) to `<data>/playground/cli-env.json`; `oar --playground` reads it, so a command typed
 * in another terminal talks to the same simulated world and the same store. Only demo values are in
 * it (the simulated services' tokens and the demo ConfigStore key), never a real credential.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const CLI_ENV_FILE = 'cli-env.json';

const LinkSchema = z.object({
  pid: z.number().int().positive(),
  url: z.string(),
  env: z.record(z.string(), z.string()),
});
export type PlaygroundLink = z.infer<typeof LinkSchema>;

/** Where `npm start` keeps the playground (the same rule as src/playground.ts). */
export function playgroundDir(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return resolve(cwd, env.OAR_DATA_DIR ?? './data', 'playground');
}

export function writePlaygroundLink(dir: string, link: PlaygroundLink): string {
  const file = join(dir, CLI_ENV_FILE);
  writeFileSync(file, `${JSON.stringify(link, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export function removePlaygroundLink(dir: string): void {
  rmSync(join(dir, CLI_ENV_FILE), { force: true });
}

export class PlaygroundLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundLinkError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running playground's environment; a clear error when none is running. */
export function readPlaygroundLink(file: string): PlaygroundLink {
  if (!existsSync(file)) throw new PlaygroundLinkError(`no running playground found (${file} does not exist): start one with \`npm start\` in the repository, then run this command from the same directory`);
  let link: PlaygroundLink;
  try {
    link = LinkSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    throw new PlaygroundLinkError(`${file} is not a playground link (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): restart the playground with \`npm start\``);
  }
  if (!alive(link.pid)) throw new PlaygroundLinkError(`the playground that wrote ${file} is no longer running (pid ${link.pid}): start it again with \`npm start\``);
  return link;
}
