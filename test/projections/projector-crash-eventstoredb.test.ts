import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import {
  comparePositions, createEventStoreSchema, deterministicEventId, EventStore, EventStoreDbEventStore, GlobalPosition, START,
} from '../../libs/event-store/src';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { allProjectors } from '../../projections';
import { esdbLabel, openEsdbUnderTest } from '../support/eventstoredb';
import { waitUntilAsync } from '../support/wait';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';

const PROJECTOR = join(__dirname, '../../dist/apps/projector/src/main.js');
const PROJECTS = 6_000;

interface EventsPairing {
  readonly store: EventStore;
  /** Extra environment for the projector process (EVENTSTORE_URL for EventStoreDB). */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** The projector reads events from es_events or from EventStoreDB; read models and checkpoints are in PostgreSQL either way. */
const pairings: [string, (storage: TestStorage) => Promise<EventsPairing>][] = [
  // The es_events pairing is test/projections/projector-crash.test.ts (stricter projectors, every table seeded).
  [`events in EventStoreDB (${esdbLabel()})`, async () => {
    const esdb = await openEsdbUnderTest();
    const store = new EventStoreDbEventStore(esdb.url);
    return { store, env: { EVENTSTORE_URL: esdb.url }, close: async () => { await store.close(); await esdb.close(); } };
  }],
];

describe.each(pairings)('the projector process killed mid-batch, %s', (_label, openEvents) => {
  describeOnPostgres('(PostgreSQL: a separate process shares the database)', () => {
    let storage: TestStorage;
    let events: EventsPairing;
    let child: ChildProcess | undefined;
    let organization: string;
    beforeAll(async () => {
      if (!existsSync(PROJECTOR)) throw new Error(`${PROJECTOR} is missing: npm test builds it first (tsc -p tsconfig.json)`);
      storage = await openTestStorage();
      await createEventStoreSchema(storage.db);
      events = await openEvents(storage);
      await new ProjectionRunner(events.store, storage.db, allProjectors).migrate();
      // Unique per run, so a real EventStoreDB that already holds earlier runs' events still works.
      organization = `org_crash${Date.now().toString(36)}`;
      for (let batch = 0; batch < PROJECTS / 500; batch++) {
        await Promise.all(Array.from({ length: 500 }, (_, i) => {
          const n = batch * 500 + i;
          const name = `p${n}`;
          return events.store.append(`project-${organization}.${name}`, [{
            id: deterministicEventId(`seed-${organization}-${n}`, 0), type: 'ProjectCreated',
            data: { organization_id: organization, project_id: `prj_${organization.slice(4)}_${n}`, name, description: '', created_at: '2026-05-01T00:00:00.000Z' },
            metadata: { organization_id: organization, actor: { id: 'seed', kind: 'system' }, cause: 'seed', correlation_id: 'seed', occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
          }], 'no_stream');
        }));
      }
    });
    afterEach(() => child?.kill('SIGKILL'));
    afterAll(async () => {
      await events.close();
      await storage.close();
    });

    const start = () => {
      child = spawn(process.execPath, [PROJECTOR], {
        env: { ...process.env, ...events.env, DATABASE_URL: storage.url, DWC_PROJECTOR_BATCH_SIZE: '40', LOG_LEVEL: 'error' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return child;
    };

    const checkpoint = async (): Promise<GlobalPosition> => {
      const row = await storage.db.selectFrom('projection_checkpoints').select(['commit_position', 'prepare_position'])
        .where('name', '=', 'projects').executeTakeFirst();
      return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : START;
    };

    const seeded = async () => {
      const all = [];
      for (let from = START; ;) {
        const page = await events.store.readAll({ from, organizationId: organization, limit: 5000 });
        all.push(...page.filter((e) => e.type === 'ProjectCreated'));
        if (page.length < 5000) return all;
        from = page[page.length - 1].position;
      }
    };

    const countRows = async () =>
      Number((await sql<{ n: bigint }>`select count(*) as n from projects where organization_id = ${organization}`.execute(storage.db)).rows[0].n);

    /** Rows and checkpoint agree exactly: every event up to the checkpoint has its row, none after it. */
    const assertConsistent = async () => {
      const at = await checkpoint();
      const upTo = (await seeded()).filter((e) => comparePositions(e.position, at) <= 0).length;
      const rows = await countRows();
      expect(rows).toBe(upTo);
      return rows;
    };

    it('applies every event exactly once across repeated kill -9 and restarts', async () => {
      let applied = 0;
      for (let round = 0; round < 3; round++) {
        const process = start();
        await waitUntilAsync(async () => (await countRows()) > applied && applied < PROJECTS, 30_000).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 30 + round * 40));
        process.kill('SIGKILL');
        await new Promise((resolve) => process.once('exit', resolve));
        applied = await assertConsistent();
      }
      expect(applied).toBeGreaterThan(0);
      expect(applied).toBeLessThan(PROJECTS);
      start();
      await waitUntilAsync(async () => (await countRows()) === PROJECTS, 120_000);
      expect(await assertConsistent()).toBe(PROJECTS);
      const distinct = await sql<{ n: bigint }>`select count(distinct id) as n from projects where organization_id = ${organization}`.execute(storage.db);
      expect(Number(distinct.rows[0].n)).toBe(PROJECTS);
    }, 240_000);
  });
});
