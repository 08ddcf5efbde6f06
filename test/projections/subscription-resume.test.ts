import { sql } from 'kysely';
import { testEvent } from '../../libs/event-store/src/conformance/event-store-conformance';
import { AppendResult, comparePositions, EventStoreDbEventStore, EventToAppend, START } from '../../libs/event-store/src';
import { readCheckpoints } from '../../libs/read-model/src/projection/checkpoints';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';
import { esdbLabel, EsdbUnderTest, openEsdbUnderTest, realEventStoreDb } from '../support/eventstoredb';
import { openTestStorage, TestStorage } from '../support/test-storage';

/** Records every event it applies, without a unique key: an event applied twice would show as two rows. */
const recorder: Projector = {
  name: 'resume_recorder', handles: { has: () => true }, tables: ['resume_recorder'],
  createTables: async (db: AnyDb) => {
    await sql`create table if not exists resume_recorder (event_id uuid not null, stream_id text not null)`.execute(db);
  },
  applyBatch: async (trx: AnyDb, events) => {
    if (events.length === 0) return;
    await sql`insert into resume_recorder (event_id, stream_id)
      select * from unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.streamId)}::text[])`.execute(trx);
  },
};

/** Restarting needs the double; against a real server (EVENTSTORE_URL) the title says why it did not run. */
const describeOnDouble = (name: string, body: () => void) => (realEventStoreDb()
  ? describe.skip(`${name} [skipped: restarting the server needs the protocol double, EVENTSTORE_URL names a real one]`, body)
  : describe(name, body));

describeOnDouble(`a live EventStoreDB subscription when the server restarts [${esdbLabel()}]`, () => {
  let esdb: EsdbUnderTest;
  let storage: TestStorage;
  let store: EventStoreDbEventStore;
  const run = `resume${Date.now().toString(36)}`;
  const appended: string[] = [];

  beforeAll(async () => {
    esdb = await openEsdbUnderTest();
    storage = await openTestStorage();
    store = new EventStoreDbEventStore(esdb.url, { resubscribeDelayMs: 20 });
  });
  afterAll(async () => {
    await store.close();
    await storage.close();
    await esdb.close();
  });

  /** Appends a batch with fixed ids; a call cut by the restart is simply retried (a repeat is a no-op). */
  const appendBatch = async (stream: string, events: EventToAppend[], expected: 'no_stream' | bigint): Promise<AppendResult> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await store.append(stream, events, expected);
        appended.push(...events.map((e) => e.id));
        return result;
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  const recorded = async () => {
    const rows = await sql<{ event_id: string; n: number }>`select event_id::text as event_id, count(*)::int as n from resume_recorder
      where stream_id like ${`thing-org_a.${run}%`} group by event_id`.execute(storage.db);
    return rows.rows;
  };

  it('resumes after the last applied event, through the restart and then from the stored checkpoint, applying none twice', async () => {
    const runner = new ProjectionRunner(store, storage.db, [recorder], { batchSize: 7 });
    await runner.migrate();
    runner.start();
    let last = await appendBatch(`thing-org_a.${run}-0`, Array.from({ length: 30 }, () => testEvent()), 'no_stream');
    expect(await runner.waitFor(last.position, 20_000)).toBe(true);

    // The server dies under the live subscription and comes back on the same port with the same log.
    await esdb.restart();
    last = await appendBatch(`thing-org_a.${run}-1`, Array.from({ length: 30 }, () => testEvent()), 'no_stream');
    last = await appendBatch(`thing-org_a.${run}-0`, Array.from({ length: 10 }, () => testEvent()), 29n);
    expect(await runner.waitFor(last.position, 20_000)).toBe(true);
    await runner.stop();
    const checkpoint = (await readCheckpoints(storage.db)).get(recorder.name) ?? START;
    expect(comparePositions(checkpoint, last.position)).toBe(0);

    // Projector stopped; more events; a new runner starts from the stored checkpoint (exclusive).
    await esdb.restart();
    last = await appendBatch(`thing-org_a.${run}-2`, Array.from({ length: 25 }, () => testEvent()), 'no_stream');
    const resumed = new ProjectionRunner(store, storage.db, [recorder], { batchSize: 7 });
    resumed.start();
    expect(await resumed.waitFor(last.position, 20_000)).toBe(true);
    await resumed.stop();

    const rows = await recorded();
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    expect(rows.map((row) => row.event_id).sort()).toEqual([...appended].sort());
    expect(rows).toHaveLength(95);
  });

  it('hands every event out once across a restart: the adapter re-subscribes after the last event it delivered', async () => {
    const head = await store.headPosition();
    const controller = new AbortController();
    const delivered: string[] = [];
    const stream = `thing-org_a.${run}-raw`;
    const consumer = (async () => {
      for await (const batch of store.subscribeAll({ from: head, batchSize: 5, signal: controller.signal })) {
        delivered.push(...batch.filter((e) => e.streamId === stream).map((e) => e.id));
        if (delivered.length >= 40) controller.abort();
      }
    })();
    const first = Array.from({ length: 20 }, () => testEvent());
    await appendBatch(stream, first, 'no_stream');
    await waitFor(() => delivered.length >= 20);
    await esdb.restart();
    const second = Array.from({ length: 20 }, () => testEvent());
    await appendBatch(stream, second, 19n);
    await consumer;
    expect(delivered).toEqual([...first, ...second].map((e) => e.id));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
