/**
 * The house's arrows (docs/architecture.md), checked with dependency-cruiser's API and the repo's
 * own .dependency-cruiser.cjs (the rules `npm run arch` applies): every import between the
 * top-level folders of src/ points down the order, nothing imports a composer, no cycles.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function cruiseWithRepoRules(baseDir: string): Promise<string[]> {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'))), baseDir };
  const result = await cruise(['src'], options, { extensions: ['.ts', '.js', '.json'] }, { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) });
  const output = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('architecture (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  const fixture = mkdtempSync(join(tmpdir(), 'oar-arch-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('the rules can fail: an upward import, a cycle and an import of a composer are reported', async () => {
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    };
    file('src/blocks/view.ts', 'export const view = 1;\n');
    // commands sit below blocks: this arrow points up.
    file('src/commands/run.ts', "import { view } from '../blocks/view.ts';\nexport const run = view;\n");
    file('src/integrations/a.ts', "import { b } from './b.ts';\nexport const a = () => b;\n");
    file('src/integrations/b.ts', "import { a } from './a.ts';\nexport const b = () => a;\n");
    file('src/engine.ts', 'export const engine = 1;\n');
    file('src/slack/home.ts', "import { engine } from '../engine.ts';\nexport const home = engine;\n");
    const found = await cruiseWithRepoRules(fixture);
    expect(found).toEqual(
      [
        'commands-points-down: src/commands/run.ts → src/blocks/view.ts',
        'no-circular: src/integrations/a.ts → src/integrations/b.ts',
        'nothing-imports-composers: src/slack/home.ts → src/engine.ts',
      ].sort(),
    );
  }, 60_000);

  it('src/ has no violation at all', async () => {
    const found = await cruiseWithRepoRules(root);
    expect(found).toEqual([]);
  }, 120_000);
});
