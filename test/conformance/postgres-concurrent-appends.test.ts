import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testEvent, waitUntil } from '../../libs/event-store/src/conformance/event-store-conformance';
import { createEventStoreSchema, PostgresEventStore, RecordedEvent, START, WrongExpectedRevisionError } from '../../libs/event-store/src';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';

describeOnPostgres('global order under concurrent writers (PostgreSQL server)', () => {
  let storage: TestStorage;
  let store: PostgresEventStore;
  beforeAll(async () => {
    storage = await openTestStorage({ poolSize: 24 });
    await createEventStoreSchema(storage.db);
    store = new PostgresEventStore(storage.db, { pollIntervalMs: 5 });
  });
  afterAll(() => storage.close());

  it('a tailing subscriber sees every event exactly once, in the order the log finally holds', async () => {
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const tail = (async () => {
      for await (const batch of store.subscribeAll({ from: START, batchSize: 50, signal: controller.signal })) seen.push(...batch);
    })();
    // A subscription to one rare type moves past the others it has looked at (see readFiltered), yet
    // never past a slow writer that has not committed yet.
    const slowSeen: RecordedEvent[] = [];
    const slowTail = (async () => {
      for await (const batch of store.subscribeAll({ from: START, types: ['Slow'], batchSize: 2, signal: controller.signal })) slowSeen.push(...batch);
    })();

    // A slow writer takes a low sequence number, then commits late: the classic gap a naive reader skips.
    const slowWriters = Array.from({ length: 6 }, (_, i) =>
      storage.db.transaction().execute(async (trx) => {
        await sql`insert into es_events (event_id, stream_id, stream_revision, type, data, metadata)
                  values (${randomUUID()}::uuid, ${`slow-${i}`}, 0, 'Slow', '{}'::jsonb, '{}'::jsonb)`.execute(trx);
        await sql`select pg_sleep(${0.05 + i * 0.05})`.execute(trx);
      }));

    const streams = Array.from({ length: 10 }, () => `thing-org_a.${randomUUID()}`);
    let conflicts = 0;
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 60; i++) {
        const streamId = streams[(Math.random() * streams.length) | 0];
        const current = (await store.readStream(streamId)).length;
        try {
          await store.append(streamId, [testEvent(), testEvent()], current === 0 ? 'no_stream' : BigInt(current - 1));
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          conflicts++;
        }
      }
    });
    await Promise.all([...writers, ...slowWriters]);

    // Readers see a commit once every older transaction on the server has ended (other test files run
    // beside this one), so the log is read once everything committed has become visible.
    const committed = Number((await sql<{ n: bigint }>`select count(*) as n from es_events`.execute(storage.db)).rows[0].n);
    let final = await store.readAll({ from: START, limit: 100_000 });
    for (const deadline = Date.now() + 30_000; final.length < committed && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      final = await store.readAll({ from: START, limit: 100_000 });
    }
    expect(final).toHaveLength(committed);
    await waitUntil(() => seen.length >= final.length && slowSeen.length >= 6, 30_000);
    controller.abort();
    await Promise.all([tail, slowTail]);

    expect(final.filter((e) => e.type === 'Slow')).toHaveLength(6);
    expect(seen.map((e) => e.id)).toEqual(final.map((e) => e.id));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(slowSeen.map((e) => e.id)).toEqual(final.filter((e) => e.type === 'Slow').map((e) => e.id));
    // Every stream stayed dense under the races: revisions 0..n-1, no duplicates.
    for (const streamId of streams) {
      const events = await store.readStream(streamId);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
    }
    expect(conflicts).toBeGreaterThan(0);
  });

  it('concurrent no_stream appends to one stream: exactly one wins', async () => {
    const streamId = `thing-org_a.${randomUUID()}`;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.append(streamId, [testEvent()], 'no_stream')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedRevisionError)).toBe(true);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });
});
