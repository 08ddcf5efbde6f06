import { client, startTestApp, TestApp } from '../support/test-app';

describe('operator console page', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('is served at / without a token, as HTML whose content security policy allows no inline script or style', async () => {
    const response = await client(app.baseUrl).get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.body).toContain('operator console');
    // Nothing inline for the policy to block: the script and the style are files of this origin.
    expect(response.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(response.body).not.toMatch(/<style|\son[a-z]+=/i);
    for (const [path, type] of [['/console.js', 'text/javascript'], ['/console.css', 'text/css']]) {
      const file = await client(app.baseUrl).get(path);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toContain(type);
      expect(response.body).toContain(path);
    }
  });
});
