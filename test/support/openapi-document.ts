import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** Where the TypeScript types of the served OpenAPI document are kept (regenerate: `npm run openapi:types`). */
export const GENERATED_TYPES = join(__dirname, '..', 'generated', 'control-plane-api.ts');

export interface OpenApiOperationLike {
  readonly operationId?: string;
  readonly summary?: string;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema?: unknown }> }>;
}

export type OpenApiLike = {
  readonly paths: Record<string, Record<string, OpenApiOperationLike>>;
  readonly servers?: readonly unknown[];
  readonly components?: { readonly securitySchemes?: Record<string, unknown> };
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Every operation of the document, named the way a failure message should name it. */
export function operationsOf(document: OpenApiLike): { name: string; path: string; method: string; operation: OpenApiOperationLike }[] {
  return Object.entries(document.paths).flatMap(([path, item]) => HTTP_METHODS.filter((m) => item[m]).map((method) => ({
    name: `${method.toUpperCase()} ${path} (${item[method].operationId ?? 'no operationId'})`, path, method, operation: item[method],
  })));
}

/** Names a JSON pointer into the document by its operation when it points into one. */
export function describePointer(document: OpenApiLike, pointer: string): string {
  const parts = pointer.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'paths' && parts.length >= 3) {
    const operation = document.paths[parts[1]]?.[parts[2]];
    if (operation) return `${parts[2].toUpperCase()} ${parts[1]} (${operation.operationId ?? 'no operationId'}) at ${parts.slice(3).join('/')}`;
    return `path ${parts[1]} at ${parts.slice(2).join('/')}`;
  }
  return pointer;
}

export interface RedoclyProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
  readonly location: readonly { readonly pointer: string }[];
}

const run = promisify(execFile);
/** A package's CLI script (its `exports` may not list it). */
const binOf = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
const OFFLINE = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

/** `@redocly/cli lint` (its built-in recommended rules) on the document; works offline. */
export async function redoclyLint(document: OpenApiLike): Promise<RedoclyProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dwc-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    const cli = binOf('@redocly/cli', 'bin/cli.js');
    // The CLI exits 1 when it finds errors; its JSON report is on stdout either way.
    const { stdout } = await run(process.execPath, [cli, 'lint', file, '--format=json', '--max-problems=1000'], { env: OFFLINE, maxBuffer: 64 * 1024 * 1024 })
      .catch((error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw new Error(`redocly lint failed: ${error.stderr ?? String(error)}`);
        return { stdout: error.stdout };
      });
    return (JSON.parse(stdout) as { problems: RedoclyProblem[] }).problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The document as TypeScript types for openapi-fetch (openapi-typescript, run as its CLI does). */
export async function generatedTypesOf(document: OpenApiLike): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dwc-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'types.ts');
    await writeFile(input, JSON.stringify(document, null, 2));
    const cli = binOf('openapi-typescript', 'bin/cli.js');
    await run(process.execPath, [cli, input, '--output', output], { env: OFFLINE });
    const { readFile } = await import('node:fs/promises');
    return [
      '// Generated from the served OpenAPI document (GET /docs/openapi.json) by openapi-typescript.',
      '// Do not edit: `npm run openapi:types` regenerates it; test/openapi/openapi.test.ts fails when it is stale.',
      '/* eslint-disable */',
      await readFile(output, 'utf8'),
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
