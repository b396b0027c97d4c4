/**
 * The house's arrows (docs/architecture.md). Every import between the top-level folders of src/
 * points down this order; nothing imports the composition roots; no cycles anywhere.
 *
 *   cli, slack, mcp, observability   entry points and front ends (peers: none imports another)
 *   jobs
 *   blocks                           pure views of result types
 *   commands
 *   release
 *   integrations
 *   store
 *   config                           with the leaf utilities at the root of src/ (log.ts, limit.ts, ...)
 *
 * app.ts, engine.ts, main.ts, playground.ts, sandbox/ and the terminal entry files
 * (cli/oar.ts, cli/oarctl.ts, cli/jobctl.ts) compose the others.
 */
const LAYERS = [
  ['cli', 'slack', 'mcp', 'observability'],
  ['jobs'],
  ['blocks'],
  ['commands'],
  ['release'],
  ['integrations'],
  ['store'],
  ['config'],
];
// Any other file at the root of src/ is a leaf utility (log.ts, limit.ts, version.ts, echo.ts, ...).
const ROOT_UTILS = '^src/(?!(app|engine|main|playground)[.]ts$)[^/]+[.]ts$';
const COMPOSERS = '^src/(app|engine|main|playground)[.]ts$|^src/sandbox/|^src/cli/(oar|oarctl|jobctl)[.]ts$';

const folder = (name) => `^src/${name}/`;
const rules = [];
LAYERS.forEach((group, index) => {
  const above = LAYERS.slice(0, index).flat();
  const peers = group.length > 1 ? group : [];
  for (const name of group) {
    const forbidden = [...above, ...peers.filter((peer) => peer !== name)];
    if (forbidden.length === 0) continue;
    rules.push({
      name: `${name}-points-down`,
      comment: `src/${name}/ may import only folders below it: ${LAYERS.slice(index + 1).flat().join(', ')}`,
      severity: 'error',
      // The terminal entry files (cli/oar.ts, ...) sit in cli/ but compose: they may import anything.
      from: { path: folder(name), pathNot: COMPOSERS },
      to: { path: `^src/(${forbidden.join('|')})/` },
    });
  }
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make the build order and laziness unpredictable.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-composers',
      comment: 'app.ts, engine.ts, main.ts and sandbox/ compose; nothing below imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: COMPOSERS },
      to: { path: COMPOSERS },
    },
    {
      name: 'root-utilities-are-leaves',
      comment: 'log.ts, limit.ts and version.ts sit with config at the bottom.',
      severity: 'error',
      from: { path: ROOT_UTILS },
      to: { path: '^src/', pathNot: `${ROOT_UTILS}|^src/config/` },
    },
    {
      name: 'config-is-the-floor',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: `${ROOT_UTILS}|^src/config/` },
    },
    ...rules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
