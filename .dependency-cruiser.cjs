/**
 * Brook's layering, checked by `npm run check` (dependency-cruiser). Type-only imports are erased at
 * build time, so a type-only cycle (the client naming the router's types) is not a cycle at run time.
 * What the console's client code may import follows from these rules: the kernel and an example's
 * constants import nothing else, the query client only TanStack, and server/api/rsc is 'server-only'
 * (Next refuses it in a client bundle).
 */
const TEST = '(\\.test\\.tsx?|/testing\\.ts|/test-[^/]+\\.ts)$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module reaches itself again through the imports that run (tests aside).',
      severity: 'error',
      from: { pathNot: TEST },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'engine-stands-alone',
      comment: 'The engine and the database layer import no web framework, API, protocol, example or client code.',
      severity: 'error',
      from: { path: '^(server/broker|db)/', pathNot: TEST },
      to: {
        path: '^(server/(api|kafka|examples|client|serve|cli|suites)/|app/|components/)|(^|/)node_modules/(next|@trpc|react|react-dom|@tanstack)/',
      },
    },
    {
      name: 'kernel-is-pure',
      comment: 'The shared kernel runs anywhere (engine, client library, browser): it imports only itself.',
      severity: 'error',
      from: { path: '^server/kernel/', pathNot: TEST },
      to: { pathNot: '^server/kernel/' },
    },
    {
      name: 'client-stands-alone',
      comment: 'The client library can be copied out: at run time it needs only itself and the shared kernel.',
      severity: 'error',
      from: { path: '^server/client/', pathNot: TEST },
      to: { path: '^(server/|db/|app/|components/)', pathNot: '^server/(client|kernel)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'console-sees-the-api-only',
      comment:
        "Components use the shared kernel, the router's types and the server-render bridge (rsc, query client); an example's pages use its pure constants.",
      severity: 'error',
      from: { path: '^components/', pathNot: TEST },
      to: {
        path: '^(server|db)/',
        pathNot: '^server/(kernel/|api/(rsc|query-client|root)\\.ts$|client/api-types\\.ts$|examples/[^/]+/(names|catalog)\\.ts$)',
      },
    },
    {
      name: 'example-constants-are-pure',
      comment: "An example's names and catalog reach the browser with its pages: like the kernel, they import only the kernel.",
      severity: 'error',
      from: { path: '^server/examples/[^/]+/(names|catalog)\\.ts$' },
      to: { pathNot: '^server/kernel/' },
    },
    {
      name: 'examples-use-the-public-api',
      comment:
        'The examples talk to Brook through the client library (in-process) and the API layer only; their own tables through the database handle.',
      severity: 'error',
      from: { path: '^server/examples/', pathNot: TEST },
      to: { path: '^server/((broker|kafka|serve|cli|suites)/|runtime.ts$)' },
    },
    {
      name: 'routes-stay-thin',
      comment: 'app/ holds routes: it renders components and calls the API; it never reaches the engine or the database.',
      severity: 'error',
      from: { path: '^app/', pathNot: TEST },
      to: { path: '^(server/(broker|kafka|examples|client)|db)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)\\.next/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
