/**
 * The layers of src/ (docs/architecture.md): a folder imports only folders of a lower
 * rank, and never one of its own rank other than itself. `npm run lint` runs this, so
 * a new upward import or a cycle fails `npm test`.
 *
 *   0 core
 *   1 discover, data
 *   2 syntax
 *   3 edit
 *   4 model
 *   5 sources
 *   6 trust
 *   7 pin
 *   8 rules, migrate
 *   9 config, fix, report
 *  10 app
 *  11 cli
 */
const RANKS = {
  core: 0,
  discover: 1,
  data: 1,
  syntax: 2,
  edit: 3,
  model: 4,
  sources: 5,
  trust: 6,
  pin: 7,
  rules: 8,
  migrate: 8,
  config: 9,
  fix: 9,
  report: 9,
  app: 10,
  cli: 11,
};
const folders = Object.keys(RANKS);

/** For each folder, the folders it may not import: higher ranks, and its siblings of the same rank. */
const layerRules = folders.map((from) => {
  const forbidden = folders.filter((to) => to !== from && RANKS[to] >= RANKS[from]);
  return {
    name: `layer-${from}`,
    comment: `src/${from} (rank ${RANKS[from]}) may import only lower layers; see .dependency-cruiser.cjs and docs/architecture.md`,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: { path: `^src/(${forbidden.join('|')})/` },
  };
}).filter((r) => r.to.path !== '^src/()/');

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unknown-folder',
      comment: 'every folder of src/ has a rank in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: `^src/(?!(${folders.join('|')})/)` },
    },
    {
      name: 'no-circular',
      comment: 'modules import each other in one direction only',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code (entry points and workers excepted)',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['^src/cli/main\\.ts$', 'worker\\.ts$', '^src/report/rule-docs\\.ts$', '\\.d\\.ts$', '^src/rules/checks/NH\\d{3}-'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
