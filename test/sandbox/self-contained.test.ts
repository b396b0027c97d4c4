/**
 * The repository carries what it needs: nothing in src/, test/, bench/, scripts/ or .ci/ names a
 * path outside it, and the playground (demo world seeded from fixtures/, the real app, the page)
 * starts with reads outside the repository forbidden by Node's permission model.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixturesDir, PROJECT_ROOT } from '../../src/sandbox/fixtures.ts';

const run = promisify(execFile);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'fixtures' ? [] : sources(path);
    return /\.(ts|js|mjs|cjs|json|sh)$/.test(name) || name === 'run' ? [path] : [];
  });
}

// Built from pieces so that this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['shared', 'fixtures'].join('/'), ['', 'work', 'shared'].join('/')];

describe('the repository is self-contained', () => {
  it('no source, test, bench, script or CI file names a path outside the repository', () => {
    const offenders = ['src', 'test', 'bench', 'scripts', '.ci', 'bin', 'deploy']
      .flatMap((d) => sources(join(PROJECT_ROOT, d)))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        return OUTSIDE.filter((p) => text.includes(p)).map((p) => `${relative(PROJECT_ROOT, file)}: ${p}`);
      });
    expect(offenders).toEqual([]);
  });

  it('the fixtures are the repository\'s own unless OAR_FIXTURES_DIR says otherwise', () => {
    expect(fixturesDir({})).toBe(join(PROJECT_ROOT, 'fixtures'));
    expect(readdirSync(fixturesDir({})).sort()).toEqual(expect.arrayContaining(['job-registry', 'record', 'zstream']));
    expect(fixturesDir({ OAR_FIXTURES_DIR: join(PROJECT_ROOT, 'fixtures', 'zstream') })).toBe(join(PROJECT_ROOT, 'fixtures', 'zstream'));
    expect(() => fixturesDir({ OAR_FIXTURES_DIR: '/nonexistent/oar-fixtures' })).toThrow(/OAR_FIXTURES_DIR=\/nonexistent\/oar-fixtures does not exist; unset it/);
  });

  it('the playground starts with every read outside the repository (and the temp dir) denied', async () => {
    const env = { ...process.env };
    delete env.OAR_FIXTURES_DIR;
    const tmp = tmpdir();
    const { stdout } = await run(
      process.execPath,
      ['--permission', `--allow-fs-read=${PROJECT_ROOT}/`, `--allow-fs-read=${tmp}/`, `--allow-fs-write=${tmp}/`, join(PROJECT_ROOT, 'test', 'sandbox', 'self-contained.child.ts')],
      { cwd: PROJECT_ROOT, env, timeout: 60_000 },
    );
    const result = JSON.parse(stdout) as { fixtures: string; page: number; tasks: number };
    expect(result.fixtures).toBe(join(PROJECT_ROOT, 'fixtures'));
    expect(result.page).toBe(200);
    expect(result.tasks).toBeGreaterThan(0);
  }, 90_000);

  it('the permission model really denies a read outside the repository (the check above can fail)', async () => {
    const outside = join(PROJECT_ROOT, '..');
    const probe = `try { require('node:fs').readdirSync(${JSON.stringify(outside)}); console.log('read') } catch (e) { console.log(e.code) }`;
    const { stdout } = await run(process.execPath, ['--permission', `--allow-fs-read=${PROJECT_ROOT}/`, '-e', probe], { cwd: PROJECT_ROOT });
    expect(stdout.trim()).toBe('ERR_ACCESS_DENIED');
  });
});
