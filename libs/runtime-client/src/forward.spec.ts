import { Readable } from 'node:stream';
import { RuntimeSimulator, startRuntimeSimulator } from '../../../apps/runtime-sim/src/simulator';
import { isRuntimeClientError } from './errors';
import { ForwardRequest } from './forward';
import { RuntimeClient } from './runtime-client';

describe('RuntimeClient.forward', () => {
  let sim: RuntimeSimulator;
  const client = new RuntimeClient({ timeoutMs: 2_000 });
  const request = (overrides: Partial<ForwardRequest> = {}): ForwardRequest => ({
    baseUrl: sim.baseUrl,
    credential: sim.tokens.operator,
    namespace: 'default',
    method: 'POST',
    path: '/api/workflows',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_type: 'orders.checkout', workflow_id: 'wf-1' }),
    requestId: 'audit-42',
    correlationId: 'corr-7',
    ...overrides,
  });

  beforeEach(async () => {
    sim = await startRuntimeSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('forwards with Cloud’s credential, namespace, version header and ids, and returns status, headers, body, duration', async () => {
    const response = await client.forward(request());
    expect(response.status).toBe(201);
    expect(response.headers['x-durable-workflow-control-plane-version']).toBe('2');
    expect(response.headers['content-length']).toBeUndefined();
    expect(JSON.parse(response.body.toString()).outcome).toBe('started_new');
    expect(response.durationMs).toBeGreaterThan(0);

    const [fact] = sim.requestsTo('POST', '/api/workflows');
    expect(fact).toMatchObject({ role: 'operator', namespace: 'default', request_id: 'audit-42', correlation_id: 'corr-7' });
    expect(fact.headers.authorization).toBe(`Bearer ${sim.tokens.operator}`);
    expect(fact.headers['x-durable-workflow-control-plane-version']).toBe('2');
  });

  it('never passes the caller’s credential, namespace or identity headers through', async () => {
    await client.forward(
      request({
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${sim.tokens.admin}`,
          'x-namespace': 'elsewhere',
          'x-request-id': 'spoofed',
          'x-principal-id': 'root',
        },
      }),
    );
    const [fact] = sim.requestsTo('POST', '/api/workflows');
    expect(fact.role).toBe('operator');
    expect(fact.namespace).toBe('default');
    expect(fact.request_id).toBe('audit-42');
    expect(fact.headers['x-principal-id']).toBeUndefined();
  });

  it('streams a request body and forwards query parameters', async () => {
    const body = Readable.from([Buffer.from('{"workflow_type":'), Buffer.from('"streamed"}')]);
    expect((await client.forward(request({ body }))).status).toBe(201);
    const list = await client.forward(request({ method: 'GET', path: '/api/workflows', body: undefined, query: { workflow_type: 'streamed' } }));
    expect(JSON.parse(list.body.toString()).workflow_count).toBe(1);
  });

  it('passes runtime errors through as they are', async () => {
    const response = await client.forward(request({ path: '/api/workflows/missing', method: 'GET', body: undefined }));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body.toString()).reason).toBe('instance_not_found');
  });

  it('refuses paths outside /api/ or with dot segments', async () => {
    for (const path of ['/__sim/faults', '/api/../__sim/faults', '/api/workflows?x=1', 'api/workflows']) {
      await expect(client.forward(request({ path }))).rejects.toThrow(/refusing to forward/);
    }
  });

  it('fails with timeout when the target hangs and unreachable when it is down', async () => {
    sim.faults.hang();
    const timedOut = await client.forward(request({ timeoutMs: 150 })).catch((e: unknown) => e);
    expect(isRuntimeClientError(timedOut, 'timeout')).toBe(true);
    sim.faults.hang(false);
    await sim.faults.down();
    const refused = await client.forward(request()).catch((e: unknown) => e);
    expect(isRuntimeClientError(refused, 'unreachable')).toBe(true);
  });
});
