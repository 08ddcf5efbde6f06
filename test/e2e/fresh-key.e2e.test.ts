import { CONFIG } from '../../apps/control-plane/src/platform/platform.tokens';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

/**
 * A key works on its first request even when the answer that handed it out came before its read
 * model (a busy replica): authentication that finds no such key while the projectors are behind the
 * log waits for them, bounded as a read-your-writes query is, and looks once more.
 */
describe('a just-issued key on a lagging replica', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const config = () => app.app.get(CONFIG) as { consistencyWaitMs: number };

  it('authenticates once its projectors catch up, and an unknown key is still refused', async () => {
    const { api } = await createOrganization(app, 'fresh');
    const robot = await api.post('/api/v1/service-accounts', { name: 'robot' });
    expect(robot.status).toBe(201);
    const wait = config().consistencyWaitMs;
    config().consistencyWaitMs = 100; // the command answers while its projectors are held
    let resume: (() => void) | undefined = app.platform.runner.pause();
    try {
      const key = await api.post('/api/v1/api-keys', { principal_id: robot.body.id, name: 'first' });
      expect(key.status).toBe(202); // accepted, its read model behind; the token is shown once all the same
      expect(key.body.token).toMatch(/^dwc_/);
      config().consistencyWaitMs = wait;
      const release = resume;
      setTimeout(() => release(), 300);
      resume = undefined;
      const first = await client(app.baseUrl, key.body.token).get('/api/v1/me');
      expect(first.status).toBe(200);
      expect(first.body.principal?.id ?? first.body.id).toBe(robot.body.id);
    } finally {
      resume?.();
      config().consistencyWaitMs = wait;
    }
    const unknown = await client(app.baseUrl, 'dwc_0123456789ab_0123456789abcdef0123456789abcdef').get('/api/v1/me');
    expect(unknown.status).toBe(401);
  });
});
