import { call, useSimulator } from './support/sim-http';

describe('command facts recorded by the runtime', () => {
  const sim = useSimulator();

  it('records method, path, namespace, principal, fingerprint and Cloud’s request/correlation ids', async () => {
    await call(sim(), 'POST', '/api/workflows', {
      namespace: 'default',
      body: { workflow_type: 't', workflow_id: 'wf' },
      headers: { 'x-request-id': 'audit-123', 'x-correlation-id': 'corr-9' },
    });
    const [fact] = sim().requestsTo('POST', '/api/workflows');
    expect(fact).toMatchObject({
      method: 'POST',
      path: '/api/workflows',
      namespace: 'default',
      role: 'operator',
      auth_method: 'token',
      auth_status: 'authenticated',
      request_id: 'audit-123',
      correlation_id: 'corr-9',
      status: 201,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(fact.headers['x-namespace']).toBe('default');
  });

  it('fingerprints the request: same request, same fingerprint; different body, different one', async () => {
    const send = (id: string) => call(sim(), 'POST', `/api/workflows/${id}/query/q`, { body: { input: [id] } });
    await send('a');
    await send('a');
    await send('b');
    const prints = sim().requests.map((r) => r.fingerprint);
    expect(prints[0]).toBe(prints[1]);
    expect(prints[2]).not.toBe(prints[0]);
  });

  it('takes the principal from the credential, never from forwarded identity headers', async () => {
    await call(sim(), 'GET', '/api/workflows', { headers: { 'x-principal-id': 'admin', 'x-role': 'admin' } });
    const [fact] = sim().requests;
    expect(fact.role).toBe('operator');
    expect(fact.subject).toBe('server-token:operator');
  });

  it('records rejected requests too, with no principal', async () => {
    await call(sim(), 'GET', '/api/workflows', { token: 'forged', headers: { 'x-request-id': 'r-1' } });
    expect(sim().requests[0]).toMatchObject({ status: 401, auth_status: 'rejected', role: null, request_id: 'r-1' });
  });

  it('exposes and clears the record through the /__sim admin API', async () => {
    await call(sim(), 'GET', '/api/namespaces');
    const listed = (await (await fetch(`${sim().adminUrl}/__sim/requests`)).json()) as { requests: unknown[] };
    expect(listed.requests).toHaveLength(1);
    expect((await fetch(`${sim().adminUrl}/__sim/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(sim().requests).toHaveLength(0);
  });
});
