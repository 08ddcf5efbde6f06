import { readFile, writeFile } from 'node:fs/promises';
import { startTestApp, TestApp } from '../support/test-app';
import {
  describePointer, GENERATED_TYPES, generatedTypesOf, OpenApiLike, operationsOf, redoclyLint,
} from '../support/openapi-document';

/**
 * The served OpenAPI document is one a client generator can use: @redocly/cli's recommended rules report
 * no error, and every operation declares its success schema, its problem responses, its bearer scheme and
 * its path parameters. Failures name the operation (METHOD path (operationId)).
 */
describe('the served OpenAPI document', () => {
  let app: TestApp;
  let document: OpenApiLike;

  beforeAll(async () => {
    app = await startTestApp();
    const response = await fetch(`${app.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiLike;
  }, 180_000);
  afterAll(() => app.close());

  it('passes `redocly lint` (recommended rules) without an error', async () => {
    const errors = (await redoclyLint(document)).filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} — ${describePointer(document, p.location[0]?.pointer ?? '')}`);
    expect(errors).toEqual([]);
  }, 120_000);

  it('has a server and the three bearer schemes', () => {
    expect(document.servers?.length).toBeGreaterThan(0);
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['ingest_token', 'operator_token', 'organization_key']);
  });

  it('gives every operation a summary, a success schema, problem+json problems, its security and its path parameters', () => {
    const missing: string[] = [];
    for (const { name, path, operation } of operationsOf(document)) {
      if (!operation.summary) missing.push(`${name}: no summary`);
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (success.length === 0) missing.push(`${name}: no success response`);
      // A success answer with a schema, or a 204; a further one (a 202 while a process goes on) may have no body.
      const described = success.some(([status, response]) =>
        status === '204' || Object.values(response.content ?? {}).some((media) => media.schema !== undefined));
      if (success.length > 0 && !described) missing.push(`${name}: ${success.map(([status]) => status).join(', ')} declare no schema`);
      if (operation.security === undefined) missing.push(`${name}: no security (use [] for a public route)`);
      const isPublic = operation.security?.length === 0;
      const problems = Object.entries(operation.responses).filter(([status]) => /^[45]\d\d$/.test(status));
      if (!isPublic && !problems.some(([status]) => status === '401')) missing.push(`${name}: no 401 problem`);
      for (const [status, response] of problems) {
        if (!response.content?.['application/problem+json'] && status !== '503') missing.push(`${name}: ${status} is not application/problem+json`);
      }
      for (const [, parameter] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!operation.parameters?.some((p) => p.in === 'path' && p.name === parameter)) missing.push(`${name}: path parameter {${parameter}} undeclared`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('takes the right bearer scheme per route: operator token, ingest token, organization key', () => {
    const schemeOf = (method: string, path: string) => Object.keys(document.paths[path][method].security?.[0] ?? {})[0] ?? 'none';
    expect(schemeOf('post', '/api/v1/operator/organizations')).toBe('operator_token');
    expect(schemeOf('post', '/api/v1/usage-records')).toBe('ingest_token');
    expect(schemeOf('get', '/api/v1/projects')).toBe('organization_key');
    expect(schemeOf('post', '/api/v1/namespaces/{namespace}/runtime/{path}')).toBe('organization_key');
    expect(schemeOf('get', '/health/live')).toBe('none');
  });

  it('matches the committed client types (test/generated/control-plane-api.ts)', async () => {
    const generated = await generatedTypesOf(document);
    if (process.env.DWC_WRITE_OPENAPI_TYPES === '1') await writeFile(GENERATED_TYPES, generated);
    const committed = await readFile(GENERATED_TYPES, 'utf8').catch(() => '');
    // Stale after a route or schema changed: run `npm run openapi:types` and commit the file.
    expect(committed === generated ? 'up to date' : 'stale: run npm run openapi:types').toBe('up to date');
  }, 120_000);
});
