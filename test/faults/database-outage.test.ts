import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ControlPlaneConfig } from '../../apps/control-plane/src/config/config';
import { createControlPlaneApp } from '../../apps/control-plane/src/create-app';
import { openPlatform, Platform } from '../../apps/control-plane/src/platform/platform';
import { openStorage, Storage } from '../../apps/control-plane/src/platform/database';
import { describeWithOwnServer, PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { client, TEST_CREDENTIAL_KEY, TEST_OPERATOR_TOKEN } from '../support/test-app';
import { openTestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

const config = (overrides: Partial<ControlPlaneConfig> = {}): ControlPlaneConfig => ({
  host: '127.0.0.1', port: 0, dataDir: '/nonexistent', operatorToken: TEST_OPERATOR_TOKEN, operatorTokenGenerated: false,
  logLevel: 'silent', embeddedProjector: true, consistencyWaitMs: 3000, bodyLimitBytes: 1024 * 1024,
  credentialKey: TEST_CREDENTIAL_KEY, runtimeTimeoutMs: 2000, ...overrides,
});

async function listen(platform: Platform, overrides: Partial<ControlPlaneConfig> = {}): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const app = await createControlPlaneApp(platform, config(overrides));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

/**
 * PostgreSQL restarted under a running control plane (a private server, never the shared one):
 * requests answer 503 with Retry-After and /health/ready is false while it is down; afterwards the
 * same process serves fully again — projections included — and nothing acknowledged is lost.
 */
describeWithOwnServer('a PostgreSQL restart under a running control plane', () => {
  let pg: PrivatePostgres;
  let storage: Storage;
  let platform: Platform;
  let app: NestFastifyApplication;
  let baseUrl: string;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    storage = await openStorage({ databaseUrl: pg.url, connectTimeoutMs: 1000 });
    platform = await openPlatform({ storage, embeddedProjector: true });
    ({ app, baseUrl } = await listen(platform));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await platform?.close();
    await storage?.close().catch(() => undefined);
    pg?.destroy();
  });

  it('answers 503 while down and serves everything again after, without a restart of the process', async () => {
    const operator = client(baseUrl, TEST_OPERATOR_TOKEN);
    const org = await operator.post('/api/v1/operator/organizations', { name: 'outage', owner_email: 'o@outage.test' });
    expect(org.status).toBe(201);
    const api = client(baseUrl, org.body.api_key.token);
    expect((await api.post('/api/v1/projects', { name: 'before' })).status).toBe(201);

    pg.stop('fast');
    const down = await api.get('/api/v1/projects');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('2');
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.post('/api/v1/projects', { name: 'during' })).status).toBe(503);
    expect((await client(baseUrl).get('/health/ready')).status).toBe(503);
    // Let the projection runner hit the outage too.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    pg.start();
    await waitUntilAsync(async () => (await client(baseUrl).get('/health/ready')).status === 200, 30_000, 200);
    const after = await api.post('/api/v1/projects', { name: 'after' });
    expect(after.status).toBe(201);
    const names = (await api.get('/api/v1/projects')).body.projects.map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(['after', 'before']);
  }, 90_000);
});

/** /health/ready with the projectors in another process: ready only while that process advances. */
describe('readiness with an external projector', () => {
  it('turns false when the external projector stops advancing behind the log, and true once it catches up', async () => {
    const storage = await openTestStorage();
    const platform = await openPlatform({ storage, embeddedProjector: false });
    const { app, baseUrl } = await listen(platform, { embeddedProjector: false, consistencyWaitMs: 50, projectorStallMs: 300 });
    try {
      const operator = client(baseUrl, TEST_OPERATOR_TOKEN);
      expect((await operator.post('/api/v1/operator/organizations', { name: 'ext', owner_email: 'o@ext.test' })).status).toBeLessThan(300);
      await client(baseUrl).get('/health/ready');
      await new Promise((resolve) => setTimeout(resolve, 400));
      const stalled = await client(baseUrl).get('/health/ready');
      expect(stalled.status).toBe(503);
      platform.runner.start();
      await waitUntilAsync(async () => (await client(baseUrl).get('/health/ready')).status === 200, 20_000, 100);
    } finally {
      await app.close();
      await platform.close();
      await storage.close();
    }
  });
});
