import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { startSimulators } from '../support/runtime-fixtures';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync as waitUntil } from '../support/wait';

/**
 * A command whose read-your-writes wait runs out (projectors stalled) never answers 404 for what
 * it committed, never loses a token shown once, and never stores a lagging answer as the
 * idempotent one: it answers 202 with the position to wait for (and the token).
 */
describe('a command committed while its read model lags', () => {
  let app: TestApp;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    app = await startTestApp({ consistencyWaitMs: 150 });
    [sim] = await startSimulators(1, 'lag');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('answers 202 with the position and the shown-once token instead of 404', async () => {
    const { api, owner } = await createOrganization(app, 'lagging');
    const resume = app.platform.runner.pause();
    let key: { status: number; body: any; headers: Headers };
    try {
      const project = await api.post('/api/v1/projects', { name: 'late' }, { 'idempotency-key': 'late-1' });
      expect(project.status).toBe(202);
      expect(project.body).toMatchObject({ status: 'accepted', position: expect.any(String) });
      expect(project.headers.get('x-dwc-position')).toBe(project.body.position);
      key = await api.post('/api/v1/api-keys', { principal_id: owner.id, name: 'late key' });
      expect(key.status).toBe(202);
      expect(key.body.token).toMatch(/^dwc_/);
      expect(key.body.id).toMatch(/^key_/);
      const target = await api.post('/api/v1/runtime-targets', {
        name: 'late target', base_url: sim.baseUrl, region: 'eu-west-1', provider: 'aws', credential: sim.tokens.admin,
      });
      expect(target.status).toBe(202);
      expect(target.body.ingest_token).toMatch(/^dwi_/);
    } finally {
      resume();
    }
    // The retry is not answered with a lagging 404, and the committed project is there once projected.
    const retry = await api.post('/api/v1/projects', { name: 'late' }, { 'idempotency-key': 'late-1' });
    expect(retry.status).not.toBe(404);
    await waitUntil(async () => (await api.get('/api/v1/projects/late')).status === 200);
    await waitUntil(async () => (await client(app.baseUrl, key.body.token).get('/api/v1/me')).status === 200);
  });
});
