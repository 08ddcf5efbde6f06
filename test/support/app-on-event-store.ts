import { EventsUnderTest } from './eventstoredb';
import { startTestApp, TestApp } from './test-app';

/**
 * A test app whose events live where `openEvents` puts them (es_events, or EventStoreDB), started
 * before the suite and closed after it; `started` hands it to the suite.
 */
export function appOnEventStore(openEvents: () => Promise<EventsUnderTest>, started: (app: TestApp) => void): void {
  let app: TestApp | undefined;
  let events: EventsUnderTest | undefined;
  beforeAll(async () => {
    events = await openEvents();
    app = await startTestApp({}, { eventStoreUrl: events.url });
    started(app);
  });
  afterAll(async () => {
    await app?.close();
    await events?.close();
  });
}
