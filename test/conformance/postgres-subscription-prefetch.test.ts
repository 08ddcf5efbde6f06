import { randomUUID } from 'node:crypto';
import { createEventStoreSchema, EventToAppend, PostgresEventStore, ReadAllOptions, RecordedEvent, SCHEMA_VERSION } from '../../libs/event-store/src';
import { onPostgres, openTestStorage, TestStorage } from '../support/test-storage';

const event = (n: number): EventToAppend => ({
  id: randomUUID(), type: 'Prefetched', data: { n },
  metadata: { organization_id: 'org_prefetch', actor: { id: 'test', kind: 'system' }, cause: 'c', correlation_id: 'c', occurred_at: '2026-12-01T00:00:00Z', schema_version: SCHEMA_VERSION },
});

/** The real adapter on the real database; from its second page on, a read fails as a lost connection does. */
class SecondPageFails extends PostgresEventStore {
  private reads = 0;
  override async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.reads += 1;
    if (this.reads === 1) return super.readAll(options);
    await new Promise((resolve) => setTimeout(resolve, 20));
    throw new Error('Connection terminated unexpectedly (injected)');
  }
}

/**
 * While catching up, the PostgreSQL subscription reads the next page as the consumer works on the current one.
 * A consumer that stops there (a projector stopping, a replay cut short) never awaits that read; when it fails
 * (a database outage), Node must not see an unhandled rejection — by default that ends the process.
 */
describe(`subscribeAll's read-ahead on ${onPostgres() ? 'a PostgreSQL server' : 'embedded PGlite'}`, () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
    await new PostgresEventStore(storage.db).append(`prefetch-${randomUUID()}`, [0, 1, 2, 3].map(event), 'no_stream');
  });
  afterAll(() => storage.close());

  it('leaves no unhandled rejection when the consumer stops and the read ahead then fails', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const store = new SecondPageFails(storage.db, { pollIntervalMs: 20 });
      for await (const batch of store.subscribeAll({ batchSize: 2 })) {
        expect(batch.map((e) => (e.data as { n: number }).n)).toEqual([0, 1]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
