import fc from 'fast-check';
import { firstChunk } from '../support/first-chunk';
import { sql } from 'kysely';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { PROBLEM_BASE } from '../../apps/control-plane/src/http/problem';
import { TestClock } from '../support/clock';
import { OpenApiDocument } from '../support/openapi-bodies';
import { bodyOf, buildWorld, callerToken, fixtureFor, Prepared, World } from '../support/route-fixtures';
import { fillPath, openApiPath, RegisteredRoute, registeredRoutes } from '../support/routes';
import { startSimulators } from '../support/runtime-fixtures';
import { client, startTestApp, TestApp } from '../support/test-app';

/**
 * Hunts for 500s and for refusals that change something. Every operation of the OpenAPI document
 * (so operations added later are covered — and fail until they have a fixture in
 * test/support/route-fixtures.ts), the forwarded runtime paths and the ingest endpoint included, gets
 * the same number of runs: first its valid request (real ids of a real organization, a body sampled
 * from its OpenAPI request schema with real values, its rightful caller's token — the operator's, the
 * owner's or the runtime target's dwi_ ingest token), then that request with each body field in turn
 * missing, null and of the wrong type and each documented query parameter malformed, then FUZZ_RUNS random mutations (a field, the whole body, a
 * path parameter, a query parameter, and odd headers). Every answer is below 500; every refusal that
 * Cloud itself gives is a complete problem+json (type, title, status, request id) and appends nothing
 * but its refusal record; an answer of the runtime target (X-DWC-Runtime-Target) appends exactly one
 * command fact.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const OBSERVATIONS = new Set(['AccessDenied', 'RuntimeCommandRefused']);

type Path = readonly (string | number)[];
type Mutation =
  | { readonly kind: 'valid' }
  | { readonly kind: 'field'; readonly field: Path; readonly value: unknown; readonly remove?: boolean }
  | { readonly kind: 'body'; readonly raw: string }
  | { readonly kind: 'path'; readonly param: string; readonly value: string }
  | { readonly kind: 'query'; readonly name: string; readonly value: string };
interface Run { readonly mutation: Mutation; readonly headers: Record<string, string> }

/** Every field of the valid body (objects and the first element of arrays), nested ones included. */
function fieldsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.length ? [[...prefix, 0], ...fieldsOf(value[0], [...prefix, 0])] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, inner]) => [[...prefix, name], ...fieldsOf(inner, [...prefix, name])]);
  }
  return [];
}

function mutate(body: unknown, field: Path, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const step of field.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  const last = field[field.length - 1];
  if (remove) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else {
    at[last] = value;
  }
  return copy;
}

const valueAt = (body: unknown, field: Path): unknown => field.reduce<unknown>((v, step) => (v as Record<string | number, unknown>)?.[step], body);
/** A value of another JSON type than the field's. */
const wrongType = (value: unknown): unknown => (typeof value === 'string' ? 12345 : typeof value === 'number' ? 'not a number'
  : typeof value === 'boolean' ? 'yes' : Array.isArray(value) ? { not: 'an array' } : value && typeof value === 'object' ? ['not', 'an', 'object'] : 'text');

const oddValue = fc.oneof(
  fc.constantFrom<unknown>(null, '', ' ', 0, -1, 1.5, -0.0001, 1e21, Number.MAX_SAFE_INTEGER, true, [], {}, 'x'.repeat(5000), '\u0000',
    '../../etc/passwd', 'rt_00000000000000000000000000', 'org_00000000000000000000000000', '2026-13-45T99:99:99Z', '1970-01-01T00:00:00Z',
    '<script>alert(1)</script>', "'; drop table es_events; --", '💥', { $ref: '#' }),
  fc.string({ maxLength: 60 }), fc.integer(), fc.double({ noNaN: true }), fc.jsonValue({ maxDepth: 2 }),
);
const segment = fc.oneof(fc.constantFrom('..', '%00', '%2F', 'a'.repeat(300), 'org_x', 'UPPER', '-x-', 'rt_00000000000000000000000000'),
  fc.string({ minLength: 1, maxLength: 40 }));
const headers = fc.record({
  'if-match': fc.oneof(fc.constant('W/"0"'), fc.constant('W/"999"'), fc.string({ maxLength: 30 })),
  'idempotency-key': fc.string({ minLength: 1, maxLength: 40 }),
  'x-dwc-min-position': fc.oneof(fc.constant('1.1'), fc.string({ maxLength: 30 })),
  'x-request-id': fc.string({ maxLength: 40 }),
}, { requiredKeys: [] });

describe('arbitrary input never causes a 500 nor a change on refusal', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  let world: World;
  let doc: OpenApiDocument;
  const clock = new TestClock();
  beforeAll(async () => {
    app = await startTestApp({ clock: clock.now, probeIntervalMs: 0 });
    sims = await startSimulators(2, 'fuzz');
    world = await buildWorld(app, clock, 'fuzz', sims);
    doc = (await client(app.baseUrl).get<OpenApiDocument>('/docs/openapi.json')).body;
  }, 180_000); // an organization with one of everything, over HTTP
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  const head = async () => (await sql<{ p: string | null }>`select max(global_position)::text as p from es_events`.execute(app.storage.db)).rows[0].p ?? '0';
  // Process streams advance on their own (the replication saga checks on its interval); what a process
  // commands shows in the aggregate streams, which are counted.
  const appendedSince = async (position: string) => (await sql<{ type: string }>`
    select type from es_events where global_position > ${position}::bigint and stream_id not like 'process\_%'
    order by global_position`.execute(app.storage.db)).rows.map((r) => r.type);

  it('holds for every documented operation, each with the same number of runs', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
    const routes = registeredRoutes(app.app);
    const routeOf = (method: string, path: string): RegisteredRoute => {
      const route = routes.find((r) => r.method === method && openApiPath(r.path) === path);
      if (!route) throw new Error(`the OpenAPI document lists ${method} ${path}, which the router does not serve`);
      return route;
    };
    // Every operation is the app's, and has a fixture, before anything runs.
    expect(operations.flatMap(({ method, path }) => { try { fixtureFor(routeOf(method, path)); return []; } catch (error) { return [(error as Error).message]; } }))
      .toEqual([]);
    for (const required of ['POST /api/v1/usage-records', 'POST /api/v1/namespaces/{namespace}/runtime/{path}', 'DELETE /api/v1/namespaces/{namespace}/runtime/{path}']) {
      expect(operations.map((o) => `${o.method} ${o.path}`)).toContain(required);
    }

    const failures: string[] = [];
    const runsPer = new Map<string, number>();
    const expected = new Map<string, number>();
    for (const operation of operations) {
      const route = routeOf(operation.method, operation.path);
      const fixture = fixtureFor(route);
      const name = `${operation.method} ${operation.path}`;
      const sample = await fixture(world);
      const validBody = bodyOf(doc, operation.method, operation.path, sample);
      const fields = fieldsOf(validBody);
      const params = Object.keys(sample.params);
      const documented = ((doc.paths[operation.path][operation.method.toLowerCase()] as { parameters?: { name: string; in: string }[] }).parameters ?? [])
        .filter((p) => p.in === 'query').map((p) => p.name);
      const queryNames = [...new Set([...documented, 'limit', 'cursor', 'organization_id', 'unknown'])];

      const mutation: fc.Arbitrary<Mutation> = fc.oneof(
        { weight: 5, arbitrary: fields.length
          ? fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom(...fields), value: oddValue, remove: fc.boolean() })
          : fc.constant<Mutation>({ kind: 'valid' }) },
        { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 100 }))
          .map((raw): Mutation => ({ kind: 'body', raw })) },
        { weight: 2, arbitrary: params.length
          ? fc.record({ kind: fc.constant('path' as const), param: fc.constantFrom(...params), value: segment })
          : fc.constant<Mutation>({ kind: 'valid' }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('query' as const), name: fc.constantFrom(...queryNames), value: fc.string({ maxLength: 40 }) }) },
      );
      const examples: [Run][] = [
        [{ mutation: { kind: 'valid' }, headers: {} }],
        ...fields.flatMap((field): [Run][] => [
          [{ mutation: { kind: 'field', field, value: undefined, remove: true }, headers: {} }],
          [{ mutation: { kind: 'field', field, value: null }, headers: {} }],
          [{ mutation: { kind: 'field', field, value: wrongType(valueAt(validBody, field)) }, headers: {} }],
        ]),
        // Each documented query parameter with a value of the wrong shape.
        ...documented.map((query): [Run] => [{ mutation: { kind: 'query', name: query, value: '~not-valid~' }, headers: {} }]),
      ];

      const property = fc.asyncProperty(fc.record({ mutation, headers }), async ({ mutation: m, headers: extra }: Run) => {
        runsPer.set(name, (runsPer.get(name) ?? 0) + 1);
        // A fresh valid request each run: routes that use their resource up (delete, rotate, migrate) get a new one.
        const prepared: Prepared = await fixture(world);
        const valid = bodyOf(doc, operation.method, operation.path, prepared);
        const values = { ...prepared.params, ...(m.kind === 'path' ? { [m.param]: m.value } : {}) };
        const path = fillPath(route.path, (param) => (m.kind === 'path' && param === m.param ? encodeURIComponent(m.value) : values[param]));
        const query = new URLSearchParams({ ...prepared.query, ...(m.kind === 'query' ? { [m.name]: m.value } : {}) }).toString();
        const hasBody = !['GET', 'HEAD', 'DELETE'].includes(operation.method);
        const body = m.kind === 'body' ? m.raw
          : JSON.stringify(m.kind === 'field' && fields.length ? mutate(valid, m.field, m.value, m.remove ?? false) : valid);
        const safeHeaders = Object.fromEntries(Object.entries(extra).filter(([, v]) => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v)));
        const before = await head();
        const response = await fetch(`${app.baseUrl}${path}${query ? `?${query}` : ''}`, {
          method: operation.method,
          headers: { authorization: `Bearer ${callerToken(world, prepared)}`, ...(hasBody ? { 'content-type': 'application/json' } : {}), ...safeHeaders },
          body: hasBody ? body : undefined,
          signal: AbortSignal.timeout(20_000),
        });
        // A server-sent event stream never ends: its status and first bytes are the answer.
        const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
        const text = streaming ? await firstChunk(response) : await response.text();
        const shown = `${operation.method} ${path}?${query} ${JSON.stringify(m)} ${JSON.stringify(safeHeaders)} → ${response.status} ${text.slice(0, 300)}`;
        if (response.status >= 500) throw new Error(`server error: ${shown}`);
        const appended = await appendedSince(before);
        if (response.headers.get('x-dwc-runtime-target') !== null) {
          // The runtime target's own answer, passed through: Cloud recorded the command once, whatever the target said.
          // A forwarded command is accepted (recorded before the call) and then its outcome is recorded; a retry with
          // an Idempotency-Key already used for the same request (random keys repeat) is answered from the record.
          const replayed = response.headers.get('idempotent-replayed') === 'true';
          const recorded = replayed ? [] : ['RuntimeCommandAccepted', 'RuntimeCommandForwarded'];
          if (JSON.stringify(appended) !== JSON.stringify(recorded)) throw new Error(`forwarded${replayed ? ' (replayed)' : ''} with ${JSON.stringify(appended)}: ${shown}`);
          return;
        }
        if (response.status < 400) return;
        if (!(response.headers.get('content-type') ?? '').startsWith('application/problem+json')) throw new Error(`not problem+json: ${shown}`);
        if (operation.method !== 'HEAD') {
          const problem = JSON.parse(text) as { type?: unknown; title?: unknown; status?: unknown; request_id?: unknown };
          const complete = typeof problem.type === 'string' && problem.type.startsWith(PROBLEM_BASE) && typeof problem.title === 'string'
            && problem.title.length > 0 && problem.status === response.status && typeof problem.request_id === 'string'
            && problem.request_id === response.headers.get('x-request-id');
          if (!complete) throw new Error(`incomplete problem body: ${shown}`);
        }
        const changes = appended.filter((type) => !OBSERVATIONS.has(type));
        if (changes.length > 0) throw new Error(`a refused request appended ${changes.join(', ')}: ${shown}`);
      });
      try {
        // Shrinking would replay against state that has moved on; the first counterexample is reported as found.
        // fast-check counts the examples within numRuns: every operation gets its examples plus RUNS random runs.
        expected.set(name, examples.length + RUNS);
        await fc.assert(property, { numRuns: examples.length + RUNS, examples, endOnFailure: true });
      } catch (error) {
        const lines = (error as Error).message.split('\n');
        const cause = (error as Error & { cause?: unknown }).cause;
        failures.push(`${name}: ${[...lines.slice(0, 3), cause instanceof Error ? cause.message : ''].join(' | ')}`);
      }
    }
    expect(failures).toEqual([]);
    // Every operation got its valid request, its field-by-field mutations and the same number of random runs.
    expect(Object.fromEntries(runsPer)).toEqual(Object.fromEntries(expected));
    expect(runsPer.size).toBe(operations.length);
  }, 900_000);
});

