// ESLint 9 flat config: typescript-eslint's recommended rules (not type-aware: they stay fast on 2 cores)
// plus the import boundaries of docs/architecture.md, which `npm test` enforces.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/** Node modules that do I/O, which pure domain code may not use (time and ids come in through commands). */
const NODE_IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'worker_threads', 'cluster', 'tls', 'os', 'process'];
const FRAMEWORKS = ['@nestjs/*', 'kysely', 'pg', 'fastify', '@fastify/*', '@electric-sql/*', 'nestjs-pino', 'pino'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.test-data/**', 'test/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    plugins: { 'import-x': importX },
    // Relative imports name TypeScript files without their extension: resolve them as .ts so the path zones apply.
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] })] },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', Blob: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: {
      // The dependency arrows: apps -> projections -> libs, never back; libs/domain depends on no framework.
      'import-x/no-restricted-paths': ['error', {
        basePath: import.meta.dirname,
        zones: [
          { target: './libs', from: './projections', message: 'libs/ may not import projections/: the composition root (apps/) assembles what needs both.' },
          { target: './libs', from: './apps', message: 'libs/ may not import apps/.' },
          { target: './projections', from: './apps', message: 'projections/ may not import apps/: a projector owns its tables; the app reads them.' },
        ],
      }],
      // Unused values are bugs or dead code; a leading underscore marks a deliberately unused parameter.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: FRAMEWORKS, message: 'Domain code is pure: no framework, database or HTTP library (see docs/architecture.md).' },
        ],
        // Exact module names (a pattern would also catch relative files such as `./process`).
        paths: NODE_IO.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Domain code does no I/O: time and ids come in through the command.' })),
      }],
    },
  },
  {
    // One command path: a use case appends through its typed handler on the CommandBus (a `*.commands.ts` file);
    // controllers, services, processes and timers send commands there instead of calling handleCommand themselves.
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.commands.ts', 'apps/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          regex: '/libs/event-store/src(/index)?$', importNames: ['handleCommand'],
          message: 'Send a command on the CommandBus; only its handler (in a *.commands.ts file) calls handleCommand (docs/architecture.md).',
        }],
      }],
    },
  },
  {
    // Tests and benchmarks wire everything together on purpose; only the library boundaries apply to them.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', 'apps/runtime-sim/test/**/*.ts'],
    rules: {
      // Tests index into JSON response bodies freely (`body.organization.id`); their assertions are the type check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The runtime client's specs run against the runtime-target simulator (apps/runtime-sim, a test double
    // with its own entry point): a library's tests may use it; nothing else from apps/ and never projections/.
    files: ['libs/**/*.spec.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', {
        basePath: import.meta.dirname,
        zones: [
          { target: './libs', from: './projections', message: 'libs/ may not import projections/.' },
          { target: './libs', from: './apps', except: ['./runtime-sim'], message: 'libs/ may not import apps/ (specs may use the runtime simulator).' },
        ],
      }],
    },
  },
);
