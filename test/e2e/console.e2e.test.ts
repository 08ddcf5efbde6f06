import { client, startTestApp, TestApp } from '../support/test-app';

describe('operator console page', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('is served at / without a token, as HTML with a restrictive content security policy', async () => {
    const response = await client(app.baseUrl).get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.body).toContain('operator console');
  });
});
