import { randomUUID } from 'node:crypto';
import { createEventStoreSchema, EventToAppend, PostgresEventStore, SCHEMA_VERSION } from '../../libs/event-store/src';
import { describeOnPostgres, onPostgres, openTestStorage, TestStorage } from '../support/test-storage';

const event = (type: string, n: number): EventToAppend => ({
  id: randomUUID(), type, data: { n },
  metadata: { organization_id: 'org_multi', actor: { id: 'bench', kind: 'system' }, cause: 'c', correlation_id: 'c', occurred_at: '2026-12-01T00:00:00Z', schema_version: SCHEMA_VERSION },
});

/**
 * `appendToStreams` (the PostgreSQL adapter's optional multi-stream append, used by usage ingestion for one
 * commit per batch): every part lands in one transaction at its expected revision, or none does.
 */
describe(`appendToStreams on ${onPostgres() ? 'a PostgreSQL server' : 'embedded PGlite'}`, () => {
  let storage: TestStorage;
  let store: PostgresEventStore;
  beforeAll(async () => {
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
    store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
  });
  afterAll(() => storage.close());

  const stream = () => `usage-${randomUUID()}`;

  it('appends every part at its revision, in one transaction, readable in order', async () => {
    const [fresh, existing] = [stream(), stream()];
    await store.append(existing, [event('A', 0), event('A', 1)], 'no_stream');
    const results = await store.appendToStreams([
      { streamId: fresh, events: [event('B', 0), event('B', 1), event('B', 2)], expected: 'no_stream' },
      { streamId: existing, events: [event('A', 2)], expected: 1n },
    ]);
    expect(results?.map((r) => [r.nextExpectedRevision, r.alreadyAppended])).toEqual([[2n, false], [2n, false]]);
    expect(results?.[0].position.commit).toBe(results?.[1].position.commit);
    expect((await store.readStream(fresh)).map((e) => [e.revision, (e.data as { n: number }).n])).toEqual([[0n, 0], [1n, 1], [2n, 2]]);
    expect((await store.readStream(existing)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
  });

  it('appends nothing when one part expects a revision the stream has moved past', async () => {
    const [a, b] = [stream(), stream()];
    await store.append(b, [event('A', 0), event('A', 1)], 'no_stream');
    expect(await store.appendToStreams([
      { streamId: a, events: [event('B', 0)], expected: 'no_stream' },
      { streamId: b, events: [event('A', 2)], expected: 0n },
    ])).toBeNull();
    expect(await store.readStream(a)).toEqual([]);
    expect(await store.readStream(b)).toHaveLength(2);
  });

  it('appends nothing when a part repeats events already stored, and a part that would leave a hole is refused', async () => {
    const [a, b] = [stream(), stream()];
    const stored = [event('A', 0)];
    await store.append(a, stored, 'no_stream');
    expect(await store.appendToStreams([
      { streamId: b, events: [event('B', 0)], expected: 'no_stream' },
      { streamId: a, events: stored, expected: 'no_stream' },
    ])).toBeNull();
    expect(await store.appendToStreams([
      { streamId: b, events: [event('B', 0)], expected: 'no_stream' },
      { streamId: a, events: [event('A', 1)], expected: 5n },
    ])).toBeNull();
    expect(await store.readStream(b)).toEqual([]);
    expect(await store.readStream(a)).toHaveLength(1);
  });

  it('refuses the same stream twice in one call', async () => {
    const a = stream();
    await expect(store.appendToStreams([
      { streamId: a, events: [event('A', 0)], expected: 'no_stream' },
      { streamId: a, events: [event('A', 1)], expected: 0n },
    ])).rejects.toThrow('distinct streams');
  });
});

describeOnPostgres('appendToStreams racing itself (PostgreSQL: concurrent sessions race for real)', () => {
  let storage: TestStorage;
  let store: PostgresEventStore;
  beforeAll(async () => {
    storage = await openTestStorage({ poolSize: 16 });
    await createEventStoreSchema(storage.db);
    store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
  });
  afterAll(() => storage.close());

  it('lets one of three batches over the same streams, listed in different orders, win whole and refuses the others whole', async () => {
    for (let round = 0; round < 40; round++) {
      const streams = Array.from({ length: 6 }, () => `usage-${randomUUID()}`);
      const batch = (order: readonly string[], tag: string) => store.appendToStreams(order.map((streamId) => ({
        streamId, events: [event(tag, 0), event(tag, 1)], expected: 'no_stream' as const,
      })));
      // Different orders: without one lock order the transactions wait on each other (a deadlock error).
      const outcomes = await Promise.all([batch(streams, 'First'), batch([...streams].reverse(), 'Second'),
        batch([...streams.slice(3), ...streams.slice(0, 3)], 'Third')]);
      expect(outcomes.filter((o) => o !== null)).toHaveLength(1);
      const winner = ['First', 'Second', 'Third'][outcomes.findIndex((o) => o !== null)];
      for (const s of streams) expect((await store.readStream(s)).map((e) => e.type)).toEqual([winner, winner]);
    }
  });
});
