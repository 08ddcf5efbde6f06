import { FailedAuthThrottle } from '../../apps/control-plane/src/auth/failed-auth-throttle';
import { committedEvents } from '../support/committed-events';
import { describeOnPostgres } from '../support/test-storage';
import { client, startTestApp, TestApp } from '../support/test-app';

/**
 * A burst of concurrent 401s: every one is recorded. Denials land in partitioned streams (per
 * organization and hash bucket) and are appended with an exact expected revision, retried on
 * conflict, with an id derived from the request so a retried append is never a duplicate.
 */
describeOnPostgres('audited denials under a burst', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    // Every request below comes from one address: keep the throttle out of the count.
    const throttle = app.app.get(FailedAuthThrottle) as unknown as Record<string, unknown>;
    for (const method of ['recordFailure', 'retryAfterSeconds']) if (typeof throttle[method] === 'function') jest.spyOn(throttle as never, method as never).mockReturnValue(0 as never);
  });
  afterAll(() => app.close());

  it('records every one of 400 concurrent refused requests, none twice', async () => {
    const burst = 400;
    const prefix = 'dwc_ZZZZZZZZZZZZ';
    const statuses = await Promise.all(Array.from({ length: burst }, (_, i) =>
      client(app.baseUrl, `${prefix}_${String(i).padStart(43, 'x')}`).get('/api/v1/projects').then((r) => r.status)));
    expect(statuses.every((s) => s === 401)).toBe(true);
    const denials = (await committedEvents(app, { types: ['AccessDenied'] }))
      .filter((e) => (e.data as { key_prefix: string | null }).key_prefix === prefix);
    expect(denials).toHaveLength(burst);
    expect(new Set(denials.map((e) => (e.data as { request_id: string }).request_id)).size).toBe(burst);
    // Spread over several streams: no single hot stream.
    expect(new Set(denials.map((e) => e.stream_id)).size).toBeGreaterThan(1);
  });
});
