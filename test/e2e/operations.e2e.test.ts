import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

describe('operations: health, metrics, OpenAPI, logs', () => {
  let app: TestApp;
  const logFile = join(mkdtempSync(join(tmpdir(), 'dwc-ops-')), 'control-plane.log');
  beforeAll(async () => {
    process.env.DWC_LOG_FILE = logFile;
    app = await startTestApp({ logLevel: 'info' });
  });
  afterAll(async () => {
    delete process.env.DWC_LOG_FILE;
    await app.close();
  });

  it('serves liveness and readiness with storage and projections checked', async () => {
    const anonymous = client(app.baseUrl);
    expect((await anonymous.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await anonymous.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.storage.status).toBe('up');
    expect(ready.body.info.projections.status).toBe('up');
  });

  it('exposes Prometheus metrics including request latency by route template', async () => {
    const { api } = await createOrganization(app, 'metrics');
    await api.get('/api/v1/projects');
    const metrics = await client(app.baseUrl).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('dwc_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/api/v1/projects"');
    expect(metrics.body).toContain('dwc_projection_position{projector="projects"}');
  });

  it('publishes the OpenAPI document generated from the controllers', async () => {
    const document = (await client(app.baseUrl).get('/docs/openapi.json')).body;
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/api/v1/operator/organizations', '/api/v1/projects', '/api/v1/projects/{project}/environments',
      '/api/v1/projects/{project}/environments/{environment}/namespaces', '/api/v1/namespaces/{namespace}',
    ]));
    expect((await client(app.baseUrl).get('/docs')).status).toBe(200);
  });

  it('echoes a sane X-Request-Id and writes JSON log lines that all carry a request id', async () => {
    const { api } = await createOrganization(app, 'logs');
    const response = await api.get('/api/v1/projects', { 'x-request-id': 'trace-me-123' });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
    expect((await api.get('/api/v1/projects', { 'x-request-id': 'bad id with spaces' })).headers.get('x-request-id')).not.toBe('bad id with spaces');
    // The last request's line is in the file once pino has written everything before it (it writes in order).
    await client(app.baseUrl).get('/health/live', { 'x-request-id': 'ops-last-line' });
    await waitUntilAsync(async () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('ops-last-line'));
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { req?: { id: string }; request_id?: string; msg: string });
    const requestLines = lines.filter((line) => line.req);
    expect(requestLines.length).toBeGreaterThan(3);
    expect(requestLines.every((line) => typeof line.request_id === 'string' && line.request_id.length > 0)).toBe(true);
    expect(requestLines.some((line) => line.request_id === 'trace-me-123')).toBe(true);
    expect(readFileSync(logFile, 'utf8')).not.toMatch(/dwc_[0-9A-Za-z]{12}_[0-9A-Za-z]{20,}/);
  });
});
