/**
 * Locating the real data files the sandbox, the playground, the tests and the benches read:
 * the repository's own `fixtures/` folder (see fixtures/README.md for where each came from),
 * so a fresh clone needs nothing beside it. OAR_FIXTURES_DIR points somewhere else instead.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(here, '..', '..');

export function fixturesDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.OAR_FIXTURES_DIR?.trim();
  const dir = override ? resolve(override) : join(PROJECT_ROOT, 'fixtures');
  if (!existsSync(dir)) {
    throw new Error(
      override
        ? `fixtures not found: OAR_FIXTURES_DIR=${override} does not exist; unset it to use the repository's fixtures/`
        : `fixtures not found in ${dir}; the folder is part of the repository (restore it with \`git checkout -- fixtures\`)`,
    );
  }
  return dir;
}

export function fixturePath(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}
