import { sql } from 'kysely';
import { testEvent } from '../../libs/event-store/src/conformance/event-store-conformance';
import { createEventStoreSchema, PostgresEventStore } from '../../libs/event-store/src';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';
import { openTestStorage, TestStorage } from '../support/test-storage';

/** A projector counting the events it applies into its own table; `failFirst` batches throw. */
const counting = (name: string, failFirst: number): Projector & { failures: number } => {
  const projector = {
    name, failures: 0, handles: { has: () => true }, tables: [name],
    createTables: async (db: AnyDb) => {
      await sql`create table if not exists ${sql.id(name)} (event_id uuid primary key)`.execute(db);
    },
    applyBatch: async (trx: AnyDb, events: readonly { id: string }[]) => {
      await sql`insert into ${sql.id(name)} (event_id) select unnest(${events.map((e) => e.id)}::uuid[])`.execute(trx);
      if (projector.failures < failFirst) {
        projector.failures++;
        throw new Error(`${name} fails on purpose`);
      }
    },
  };
  return projector;
};

describe('a failing projector', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
  });
  afterAll(() => storage.close());

  it('leaves the shared read, retries alone from its checkpoint, and neither it nor the others lose or double an event', async () => {
    const store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
    const healthy = counting('healthy_rows', 0);
    const flaky = counting('flaky_rows', 2);
    const runner = new ProjectionRunner(store, storage.db, [healthy, flaky], { batchSize: 10, retryDelayMs: 50 });
    await runner.migrate();
    runner.start();
    let last = null;
    for (let i = 0; i < 5; i++) last = await store.append(`thing-org_a.${i}`, Array.from({ length: 7 }, () => testEvent()), 'no_stream');
    expect(await runner.waitFor(last!.position, 20_000)).toBe(true);
    await runner.stop();

    const count = async (table: string) => Number((await sql<{ n: bigint }>`select count(*) as n from ${sql.id(table)}`.execute(storage.db)).rows[0].n);
    expect(flaky.failures).toBe(2);
    expect(await count('healthy_rows')).toBe(35);
    expect(await count('flaky_rows')).toBe(35);
  });
});
