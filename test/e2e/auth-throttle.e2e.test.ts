import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('throttling repeated failed authentications', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('answers 429 with Retry-After once a client keeps failing, and refuses even a valid key meanwhile', async () => {
    const { api } = await createOrganization(app, 'throttled');
    const guesser = client(app.baseUrl, 'dwc_AAAAAAAAAAAA_' + 'B'.repeat(43));
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await guesser.get('/api/v1/projects')).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);

    const throttled = await guesser.get('/api/v1/projects');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.headers.get('content-type')).toContain('application/problem+json');
    // Same client address: the throttle is per client, so the valid key waits too.
    expect((await api.get('/api/v1/projects')).status).toBe(429);
  });
});
