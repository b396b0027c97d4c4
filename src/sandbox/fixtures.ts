/**
 * Locating the real data files in ../shared/fixtures (tests, sandbox and playground read them
 * as they are). OAR_FIXTURES_DIR overrides the location.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(here, '..', '..');

export function fixturesDir(): string {
  const candidates = [process.env.OAR_FIXTURES_DIR, join(PROJECT_ROOT, '..', 'shared', 'fixtures'), join(PROJECT_ROOT, 'fixtures')].filter(Boolean) as string[];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`fixtures not found; looked in ${candidates.join(', ')}`);
  return found;
}

export function fixturePath(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}
