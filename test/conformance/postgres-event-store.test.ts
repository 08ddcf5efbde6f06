import { eventStoreConformance } from '../../libs/event-store/src/conformance/event-store-conformance';
import { createEventStoreSchema, PostgresEventStore } from '../../libs/event-store/src';
import { onPostgres, openTestStorage, TestStorage } from '../support/test-storage';

describe(`PostgreSQL event store on ${onPostgres() ? 'a PostgreSQL server' : 'embedded PGlite'}`, () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
  });
  afterAll(() => storage.close());

  eventStoreConformance({
    open: async () => new PostgresEventStore(storage.db, { pollIntervalMs: 20 }),
    close: async () => undefined,
  });
});
