import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { replaceEnvTable } from '../../src/config/docs.ts';
import { VARS } from '../../src/config/env.ts';

describe('README configuration reference', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it('lists every environment variable (run `npm run docs:env` after changing src/config/env.ts (README table and OpenShift ConfigMap/Secret))', () => {
    for (const name of Object.keys(VARS)) expect(readme, name).toContain(`\`${name}\``);
    expect(replaceEnvTable(readme)).toBe(readme);
  });
  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
