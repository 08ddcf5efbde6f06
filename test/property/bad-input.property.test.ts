import { committedEvents } from '../support/committed-events';
import fc from 'fast-check';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

interface Operation { method: string; path: string }

/**
 * Hunts for 500s: every operation the OpenAPI document lists (so routes added later are covered)
 * gets arbitrary path segments, bodies and headers, with full rights (the owner's key, or the
 * operator token). Every answer must be below 500, every 4xx problem+json, and a refused request
 * must append nothing but its refusal record (AccessDenied, or RuntimeCommandRefused for a runtime command).
 */
describe('arbitrary input never causes a 500', () => {
  let app: TestApp;
  let operations: Operation[];
  let ownerToken: string;
  beforeAll(async () => {
    app = await startTestApp();
    const { api, api_key } = await createOrganization(app, 'fuzz');
    ownerToken = api_key.token;
    await api.post('/api/v1/projects', { name: 'p' });
    await api.post('/api/v1/projects/p/environments', { name: 'e' });
    await api.post('/api/v1/projects/p/environments/e/namespaces', { name: 'n' });
    const document = (await client(app.baseUrl).get('/docs/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(() => app.close());

  const segment = fc.oneof(fc.constantFrom('p', 'e', 'n', 'org_x', '..', '%00', 'a'.repeat(300)), fc.string({ maxLength: 40 }));
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.record({ name: fc.string(), description: fc.string(), organization_role: fc.string(), scope: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
  );
  const headers = fc.record({
    'if-match': fc.oneof(fc.constant('W/"0"'), fc.string({ maxLength: 30 })),
    'idempotency-key': fc.string({ minLength: 1, maxLength: 40 }),
    'x-dwc-min-position': fc.oneof(fc.constant('1.1'), fc.string({ maxLength: 30 })),
  }, { requiredKeys: [] });

  it('holds for every documented operation', async () => {
    const eventsBefore = async () => (await committedEvents(app)).filter((e) => e.type !== 'AccessDenied' && e.type !== 'RuntimeCommandRefused').length;
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 10_000 }), fc.array(segment, { minLength: 4, maxLength: 4 }), body, headers,
      async (pick, segments, payload, extra) => {
        const operation = operations[pick % operations.length];
        let i = 0;
        const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[i++ % segments.length]));
        const token = path.startsWith('/api/v1/operator') ? app.operatorToken : ownerToken;
        const safeHeaders = Object.fromEntries(Object.entries(extra).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));
        const before = await eventsBefore();
        const hasBody = !['GET', 'DELETE', 'HEAD'].includes(operation.method);
        const response = await client(app.baseUrl, token).call(operation.method, path, hasBody ? payload : undefined, safeHeaders);
        expect({ operation, status: response.status, body: response.body }).toMatchObject({ status: expect.any(Number) });
        if (response.status >= 500) throw new Error(`${operation.method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          expect(await eventsBefore()).toBe(before);
        }
      }), { numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });
});
