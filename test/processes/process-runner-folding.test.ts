import { EventStore, PostgresEventStore, createEventStoreSchema, deterministicEventId } from '../../libs/event-store/src';
import { ProcessDefinition } from '../../libs/process-manager/src/process';
import { processStream } from '../../libs/process-manager/src/process-events';
import { ProcessRunner } from '../../libs/process-manager/src/process-runner';
import { openTestStorage, TestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

/** A long-lived process: one instance that counts every tick of the log (as a replication saga records every check). */
const counter: ProcessDefinition<{ ticks: number }> = {
  name: 'tick-counter',
  reactsTo: ['Ticked'],
  processId: () => 'one',
  initialState: () => ({ ticks: 0 }),
  decide: () => [],
  evolve: (state, message) => (message.kind === 'event' ? { ticks: state.ticks + 1 } : state),
};

const TICKS = 40;

describe('the process runner folds a long-lived instance incrementally', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
  });
  afterAll(() => storage.close());

  it('reads only the events recorded since its last step, and a fresh runner folds the same state from the whole stream', async () => {
    const store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
    const instance = processStream(counter.name, 'one');
    let instanceEventsRead = 0;
    // The real store, counting what is read back from the instance's stream.
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return async (streamId: string, options?: { fromRevision?: bigint }) => {
            const events = await target.readStream(streamId, options);
            if (streamId === instance) instanceEventsRead += events.length;
            return events;
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as EventStore;

    const runner = new ProcessRunner(counting, storage.db, [counter], {}, { pollIntervalMs: 20 });
    await runner.migrate();
    runner.start();
    try {
      for (let tick = 0; tick < TICKS; tick++) {
        await store.append('ticks-1', [{
          id: deterministicEventId('ticks', tick), type: 'Ticked', data: { tick },
          metadata: { organization_id: null, actor: { id: 'test', kind: 'system' }, cause: 'test', correlation_id: 'test', occurred_at: new Date().toISOString(), schema_version: 1 },
        }], tick === 0 ? 'no_stream' : BigInt(tick - 1));
      }
      await waitUntilAsync(async () => (await runner.load<{ ticks: number }>(counter.name, 'one')).envelope.state.ticks === TICKS);
    } finally {
      await runner.stop();
    }
    // Re-folding the whole stream at every step would read about TICKS²/2 events; the tail alone is linear.
    expect(instanceEventsRead).toBeLessThanOrEqual(3 * TICKS);

    const fresh = new ProcessRunner(store, storage.db, [counter], {});
    const [warm, cold] = [await runner.load(counter.name, 'one'), await fresh.load(counter.name, 'one')];
    expect(cold).toEqual(warm);
    expect(cold.envelope.inputs).toBe(TICKS);
  });
});
