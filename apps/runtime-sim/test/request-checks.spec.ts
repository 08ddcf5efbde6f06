import { VERSION_HEADER, call, useSimulator } from './support/sim-http';

/** The order every control-plane route applies: 401 → 403 → 400 version → 404 namespace → handler. */
describe('control-plane request checks', () => {
  const sim = useSimulator();

  it('answers 401 before anything else', async () => {
    const res = await call(sim(), 'GET', '/api/workflows', { token: 'wrong', version: null, namespace: 'missing' });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('unauthorized');
  });

  it('answers 403 with role and allowed_roles before the version and namespace checks', async () => {
    const res = await call(sim(), 'GET', '/api/workflows', { token: sim().tokens.worker, version: null, namespace: 'missing' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ reason: 'forbidden', role: 'worker', allowed_roles: ['operator', 'admin'] });
  });

  it('answers 400 missing_control_plane_version before namespace_not_found', async () => {
    const res = await call(sim(), 'GET', '/api/workflows', { version: null, namespace: 'missing' });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('missing_control_plane_version');
  });

  it('answers 400 unsupported_control_plane_version for any other version', async () => {
    for (const version of ['1', '3', '2.0']) {
      const res = await call(sim(), 'GET', '/api/workflows', { version });
      expect(res.status).toBe(400);
      expect(res.body.reason).toBe('unsupported_control_plane_version');
    }
  });

  it('answers 404 namespace_not_found for an unknown namespace (from header or query)', async () => {
    const byHeader = await call(sim(), 'GET', '/api/workflows', { namespace: 'missing' });
    expect(byHeader.status).toBe(404);
    expect(byHeader.body).toMatchObject({ reason: 'namespace_not_found', namespace: 'missing' });
    const byQuery = await call(sim(), 'GET', '/api/workflows?namespace=Elsewhere');
    expect(byQuery.body).toMatchObject({ reason: 'namespace_not_found', namespace: 'elsewhere' });
  });

  it('echoes the version header on control-plane responses, errors included', async () => {
    expect((await call(sim(), 'GET', '/api/workflows')).headers.get(VERSION_HEADER)).toBe('2');
    expect((await call(sim(), 'GET', '/api/workflows', { token: null })).headers.get(VERSION_HEADER)).toBe('2');
  });

  it('refuses a non-JSON body with 415 unsupported_media_type', async () => {
    const res = await call(sim(), 'POST', '/api/workflows', { body: 'workflow_type=x', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body.reason).toBe('unsupported_media_type');
  });

  it('refuses bad JSON with 400 malformed_json', async () => {
    const res = await call(sim(), 'POST', '/api/workflows', { body: '{"workflow_type":' });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('malformed_json');
  });

  it('refuses a body over 2 MiB with 413 payload_too_large', async () => {
    const res = await call(sim(), 'POST', '/api/workflows', { body: { workflow_type: 'x', input: ['a'.repeat(2 * 1024 * 1024)] } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ reason: 'payload_too_large', limit: 2_097_152 });
  });

  it('answers 422 validation_failed with errors and validation_errors', async () => {
    const res = await call(sim(), 'POST', '/api/workflows', { body: { workflow_id: 'has spaces' } });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('validation_failed');
    expect(Object.keys(res.body.errors).sort()).toEqual(['workflow_id', 'workflow_type']);
    expect(res.body.validation_errors).toEqual(res.body.errors);
  });

  it('answers 404 not_found for an unknown route', async () => {
    const res = await call(sim(), 'GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe('not_found');
  });
});
