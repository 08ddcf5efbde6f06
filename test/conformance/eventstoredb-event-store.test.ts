import { eventStoreConformance, testEvent } from '../../libs/event-store/src/conformance/event-store-conformance';
import { EventStoreDbEventStore, START } from '../../libs/event-store/src';
import { esdbLabel, EsdbUnderTest, openEsdbUnderTest, realEventStoreDb } from '../support/eventstoredb';

describe(`EventStoreDB event store through @eventstore/db-client [${esdbLabel()}]`, () => {
  let esdb: EsdbUnderTest;
  const stores: EventStoreDbEventStore[] = [];
  beforeAll(async () => {
    esdb = await openEsdbUnderTest();
    if (!realEventStoreDb()) process.stdout.write('EventStoreDB conformance: real EventStoreDB not available: ran against the protocol double\n');
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await esdb.close();
  });

  eventStoreConformance({
    open: async () => {
      const store = new EventStoreDbEventStore(esdb.url);
      stores.push(store);
      return store;
    },
    close: async () => undefined,
  });

  describe('EventStoreDB specifics', () => {
    it('never hands out the server\'s $-system events, in reads or subscriptions', async () => {
      const store = new EventStoreDbEventStore(esdb.url);
      stores.push(store);
      await store.append(`thing-org_a.${Date.now()}`, [testEvent()], 'no_stream');
      const all = await store.readAll({ from: START, limit: 100_000 });
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((e) => e.streamId.startsWith('$'))).toEqual([]);
      const controller = new AbortController();
      const seen: string[] = [];
      for await (const batch of store.subscribeAll({ from: START, signal: controller.signal })) {
        if (batch.length === 0) break;
        seen.push(...batch.map((e) => e.streamId));
      }
      controller.abort();
      expect(seen.filter((s) => s.startsWith('$'))).toEqual([]);
    });
  });
});
