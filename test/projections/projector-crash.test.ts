import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createEventStoreSchema, deterministicEventId, PostgresEventStore, START } from '../../libs/event-store/src';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { allProjectors } from '../../projections';
import { waitUntilAsync } from '../support/wait';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';

const PROJECTOR = join(__dirname, '../../dist/apps/projector/src/main.js');
const PROJECTS = 6_000;

describeOnPostgres('the projector process killed mid-batch (PostgreSQL: a separate process shares the database)', () => {
  let storage: TestStorage;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    if (!existsSync(PROJECTOR)) throw new Error(`${PROJECTOR} is missing: npm test builds it first (tsc -p tsconfig.json)`);
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
    await new ProjectionRunner(new PostgresEventStore(storage.db), storage.db, allProjectors).migrate();
    const store = new PostgresEventStore(storage.db);
    for (let batch = 0; batch < PROJECTS / 500; batch++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        const name = `p${n}`;
        return store.append(`project-org_crash.${name}`, [{
          id: deterministicEventId(`seed-${n}`, 0), type: 'ProjectCreated',
          data: { organization_id: 'org_crash', project_id: `prj_${n}`, name, description: '', created_at: '2026-05-01T00:00:00.000Z' },
          metadata: { organization_id: 'org_crash', actor: { id: 'seed', kind: 'system' }, cause: 'seed', correlation_id: 'seed', occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
        }], 'no_stream');
      }));
    }
  });
  afterEach(() => child?.kill('SIGKILL'));
  afterAll(() => storage.close());

  const start = () => {
    child = spawn(process.execPath, [PROJECTOR], {
      env: { ...process.env, DATABASE_URL: storage.url, DWC_PROJECTOR_BATCH_SIZE: '40', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return child;
  };

  const checkpoint = async () => {
    const row = await storage.db.selectFrom('projection_checkpoints').select(['commit_position', 'prepare_position'])
      .where('name', '=', 'projects').executeTakeFirst();
    return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : START;
  };

  /** Rows and checkpoint agree exactly: every event up to the checkpoint has its row, none after it. */
  const assertConsistent = async () => {
    const at = await checkpoint();
    const upTo = at.commit < 0n ? 0 : Number((await sql<{ n: bigint }>`select count(*) as n from es_events
      where type = 'ProjectCreated' and (transaction_id, global_position) <= (${at.commit.toString()}::xid8, ${at.prepare.toString()}::bigint)`.execute(storage.db)).rows[0].n);
    const rows = Number((await sql<{ n: bigint }>`select count(*) as n from projects`.execute(storage.db)).rows[0].n);
    expect(rows).toBe(upTo);
    return rows;
  };

  it('applies every event exactly once across repeated kill -9 and restarts', async () => {
    let applied = 0;
    for (let round = 0; round < 3; round++) {
      const process = start();
      await waitUntilAsync(async () => (await checkpoint()).prepare > BigInt(applied) && applied < PROJECTS, 30_000).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 30 + round * 40));
      process.kill('SIGKILL');
      await new Promise((resolve) => process.once('exit', resolve));
      applied = await assertConsistent();
    }
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(PROJECTS);
    start();
    await waitUntilAsync(async () => Number((await sql<{ n: bigint }>`select count(*) as n from projects`.execute(storage.db)).rows[0].n) === PROJECTS, 60_000);
    expect(await assertConsistent()).toBe(PROJECTS);
    const distinct = await sql<{ n: bigint }>`select count(distinct id) as n from projects`.execute(storage.db);
    expect(Number(distinct.rows[0].n)).toBe(PROJECTS);
  });
});
