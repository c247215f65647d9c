// The layers, checked by `npm run lint` (dependency-cruiser). The README's folder table says the same.
//   apps/api, apps/worker  →  activities/, libs/ (workflows are started by contract; the worker loads their bundle)
//   activities/            →  libs/ (thin adapters over it)
//   workflows/             →  libs/domain, libs/temporal/{workflow-ids,search-attributes,contracts/}; types only from elsewhere
//   libs/                  →  libs/ (libs/sdk → itself only: it is published alone)
// What each rule keeps out is in its comment.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes the load order matter and the layers meaningless. Type-only edges are ' +
        'erased at run time (workflows name their activities by type), so they do not count.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'workflows-are-deterministic',
      comment:
        'Workflow code runs in the deterministic sandbox: only libs/domain, workflow IDs, search ' +
        'attribute keys and the contracts at run time; activities and the rest of libs/ as types only.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        path: '^(activities|libs|apps)/',
        pathNot: '^libs/(domain/|temporal/(workflow-ids|search-attributes)\\.ts$|temporal/contracts/)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workflows-are-the-workers',
      comment:
        'Workflow code is loaded only by the worker, from its bundle. The API and libs/ start, signal ' +
        'and query workflows by their contracts (libs/temporal/contracts), so a change inside a ' +
        "workflow never ripples into them, and libs/ is not inside the worker's loop. Tests may import them.",
      severity: 'error',
      from: { path: '^(libs|apps|activities)/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'contracts-are-workflow-safe',
      comment:
        "The contracts are imported by workflow code too: the SDK's definitions and libs/domain types only.",
      severity: 'error',
      from: { path: '^libs/temporal/contracts/' },
      to: {
        path: '^(libs/(?!domain/|temporal/contracts/)|activities/|apps/|workflows/)',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'sdk-stands-alone',
      comment:
        'libs/sdk is published on its own: it imports its own files, Node built-ins and its declared ' +
        'dependency (openapi-fetch), never the server (its types come from the OpenAPI document).',
      severity: 'error',
      from: { path: '^libs/sdk/' },
      // (./schema.js is the generated schema.d.ts, types only, which the cruiser does not resolve.)
      to: {
        pathNot: '^(libs/sdk/|node_modules/openapi-fetch/|\\./schema\\.js$)',
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'cli-is-an-sdk-client',
      comment: 'The command line is built on the SDK, as any client would be: not on the server code.',
      severity: 'error',
      from: { path: '^apps/cli/' },
      to: { path: '^(libs/(?!sdk/)|apps/(?!cli/)|activities/|workflows/)' },
    },
    {
      name: 'workflows-do-no-io',
      comment: 'No Node built-ins in workflow code: I/O is an activity.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is the workflow-safe core: it imports only itself (types excepted).',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { pathNot: '^libs/domain/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'libs-below-apps',
      comment: 'libs/ serves the apps and activities; it never reaches back up into them.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|activities|scripts|bench|test)/' },
    },
    {
      name: 'http-is-the-apis',
      comment:
        "The HTTP error shape, validation and cursors are the API's: the worker, its activities and " +
        'the domain raise domain errors (libs/domain/errors.ts), which only apps/api maps to HTTP.',
      severity: 'error',
      from: { path: '^(libs|activities|workflows|apps/worker)/', pathNot: '^libs/http/' },
      to: { path: '^libs/http/' },
    },
    {
      name: 'temporal-is-plumbing',
      comment:
        'libs/temporal knows Temporal (client, IDs, schedules, search attributes), not the delivery ' +
        'domain or storage: libs/webhooks uses it, never the other way round.',
      severity: 'error',
      from: { path: '^libs/temporal/' },
      to: { path: '^libs/(webhooks|persistence|credentials|http)/' },
    },
    {
      name: 'activities-are-adapters',
      comment: 'Activities adapt libs/ to Temporal; they do not call each other or the apps.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(apps|workflows)/|^activities/' },
    },
    {
      name: 'apps-apart',
      comment: 'The API and the worker are separate processes sharing libs/, not each other.',
      severity: 'error',
      from: { path: '^apps/api/' },
      to: { path: '^apps/worker/' },
    },
    {
      name: 'apps-apart-too',
      severity: 'error',
      from: { path: '^apps/worker/' },
      to: { path: '^apps/api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    // Type-only imports are told apart (workflows may import activity types).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
