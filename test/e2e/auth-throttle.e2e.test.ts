import { LRUCache } from 'lru-cache';
import { FailedAuthThrottle, clientKey } from '../../apps/control-plane/src/auth/failed-auth-throttle';
import { parseTrustProxy } from '../../apps/control-plane/src/config/config';
import { committedEvents } from '../support/committed-events';
import { client, createOrganization, startTestApp, TestApp } from '../support/test-app';

describe('throttling repeated failed authentications', () => {
  let app: TestApp;
  beforeAll(async () => { app = await startTestApp(); });
  afterAll(() => app.close());

  it('answers 429 with Retry-After to a client that keeps failing, and never refuses a valid key from the same address', async () => {
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
    // Same client address (a load balancer, a NAT): the valid key is checked first and served.
    expect((await api.get('/api/v1/projects')).status).toBe(200);
    // Throttled failures are still audited.
    const denials = (await committedEvents(app)).filter((e) => e.type === 'AccessDenied' && (e.data as { status: number }).status === 429);
    expect(denials.length).toBeGreaterThanOrEqual(6);
  });

  it('believes X-Forwarded-For only when DWC_TRUST_PROXY says so', async () => {
    const guess = (forwardedFor: string) => client(app.baseUrl, 'dwc_AAAAAAAAAAAA_' + 'C'.repeat(43))
      .get('/api/v1/projects', { 'x-forwarded-for': forwardedFor });
    // Untrusted by default: a header per request does not escape the throttle (this address is already over the limit).
    expect((await guess('203.0.113.9')).status).toBe(429);
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    expect(() => parseTrustProxy('yes please')).toThrow(/DWC_TRUST_PROXY/);
    const trusting = await startTestApp({ trustProxy: '127.0.0.1' });
    try {
      const behindProxy = (ip: string) => client(trusting.baseUrl, 'dwc_AAAAAAAAAAAA_' + 'D'.repeat(43))
        .get('/api/v1/projects', { 'x-forwarded-for': ip });
      for (let i = 0; i < 21; i++) await behindProxy('198.51.100.1');
      expect((await behindProxy('198.51.100.1')).status).toBe(429);
      // Another client behind the same proxy is its own client.
      expect((await behindProxy('198.51.100.2')).status).toBe(401);
    } finally {
      await trusting.close();
    }
  });

  it('keeps its memory bounded without ever clearing every counter', () => {
    const throttle = new FailedAuthThrottle();
    for (let i = 0; i < 25; i++) throttle.recordFailure('192.0.2.1', 1000);
    expect(throttle.recordFailure('192.0.2.1', 1000)).toBeGreaterThan(0);
    // A flood of other addresses, more than the old 100,000-entry reset point… but each one refreshes 192.0.2.1 too.
    for (let i = 0; i < 120_000; i++) {
      throttle.recordFailure(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1000);
      if (i % 1000 === 0) throttle.recordFailure('192.0.2.1', 1000);
    }
    expect(throttle.trackedClients).toBeLessThanOrEqual(50_000);
    expect(throttle.recordFailure('192.0.2.1', 1000)).toBeGreaterThan(0);
    expect(clientKey('2001:db8:1:2:3:4:5:6')).toBe(clientKey('2001:db8:1:2:ffff::1'));
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(LRUCache).toBeDefined();
  });
});
