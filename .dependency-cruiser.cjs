/**
 * The import rules of src/, checked by `npm run lint` (dependency-cruiser). Layers import
 * downward only, from the entry points to the database:
 *
 *   entry (main, cli, serve, demo) → faces (legacy, graphql, server, http, body) → runtime
 *     (runtime, config, telemetry, tasks) → guards → operations → records → where → db
 *
 * A layer may import any layer below it. The utilities (errors, crypto, logger, json) may be
 * imported by every layer and import no layer themselves. No cycles; src/ never needs a
 * devDependency (tsx, vitest…) at run time, since `npm start` runs the compiled dist/.
 */
const LAYERS = [
  { name: 'entry', path: '^src/(main|cli|serve|demo)\\.ts$|^src/cli/' },
  { name: 'faces', path: '^src/(legacy|graphql|http)/|^src/(server|body|refusal)\\.ts$' },
  { name: 'runtime', path: '^src/(runtime|config)\\.ts$|^src/telemetry/|^src/tasks/' },
  { name: 'guards', path: '^src/guards/' },
  { name: 'operations', path: '^src/operations/' },
  { name: 'records', path: '^src/records/' },
  { name: 'where', path: '^src/where/' },
  { name: 'db', path: '^src/db/' },
];
const UTILITIES = '^src/(errors|crypto|logger|json)\\.ts$';

const layerRules = LAYERS.slice(1).map((layer, i) => ({
  name: `${layer.name}-imports-downward`,
  comment: `${layer.name} may import only the layers below it: ${LAYERS.slice(i + 2).map((l) => l.name).join(', ') || 'none'} (and the utilities).`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: LAYERS.slice(0, i + 1).map((l) => `(${l.path})`).join('|') },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'utilities-are-leaves',
      comment: 'errors, crypto, logger and json are imported by every layer, so they import none but each other.',
      severity: 'error',
      from: { path: UTILITIES },
      to: { path: '^src/', pathNot: UTILITIES },
    },
    {
      name: 'db-knows-no-protocol',
      comment: 'The store classifies engine errors; mapping them to a ret belongs to the faces (src/refusal.ts).',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/errors\\.ts$' },
    },
    {
      name: 'every-layer-is-listed',
      comment: 'A new top-level module of src/ must be placed in a layer above.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...LAYERS.map((l) => l.path), UTILITIES] },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-dependency-at-run-time',
      comment: 'src/ runs compiled with production dependencies only.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-undeclared-package',
      comment: 'Every package src/ imports is declared in package.json.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
