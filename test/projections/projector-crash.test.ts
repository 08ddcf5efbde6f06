import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { AuditLogQueries } from '../../apps/control-plane/src/audit/audit-log.queries';
import { Platform } from '../../apps/control-plane/src/platform/platform';
import { createEventStoreSchema, deterministicEventId, PostgresEventStore } from '../../libs/event-store/src';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { allProjectors } from '../../projections';
import { strictProjectors } from '../support/crash/strict-projectors';
import { waitUntilAsync } from '../support/wait';
import { describeOnPostgres, openTestStorage, TestStorage } from '../support/test-storage';

const PROJECTOR = join(__dirname, '../../dist/test/support/crash/crash-projector.main.js');
const PROJECTS = 6_000;
const ORGANIZATION = 'org_crash';

/**
 * The projector process (every real projector, plus a plain-primary-key one and a counter whose
 * second apply of an event fails or shows) is killed with SIGKILL mid-batch, again and again. After
 * each kill, every projector's rows must match the log up to its own checkpoint exactly — no event
 * lost, none applied twice — the organization's audit hash chain must verify, and the round must have
 * made progress (a stalled projector fails the round instead of passing it quietly).
 */
describeOnPostgres('the projector process killed mid-batch (PostgreSQL: a separate process shares the database)', () => {
  let storage: TestStorage;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    if (!existsSync(PROJECTOR)) throw new Error(`${PROJECTOR} is missing: npm test builds it first (tsc -p tsconfig.json)`);
    storage = await openTestStorage();
    await createEventStoreSchema(storage.db);
    await new ProjectionRunner(new PostgresEventStore(storage.db), storage.db, [...allProjectors, ...strictProjectors]).migrate();
    const store = new PostgresEventStore(storage.db);
    for (let batch = 0; batch < PROJECTS / 500; batch++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        const name = `p${n}`;
        return store.append(`project-${ORGANIZATION}.${name}`, [{
          id: deterministicEventId(`seed-${n}`, 0), type: 'ProjectCreated',
          data: { organization_id: ORGANIZATION, project_id: `prj_${n}`, name, description: '', created_at: '2026-05-01T00:00:00.000Z' },
          metadata: { organization_id: ORGANIZATION, actor: { id: 'seed', kind: 'system' }, cause: 'seed', correlation_id: 'seed', occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
        }], 'no_stream');
      }));
    }
  });
  afterEach(() => child?.kill('SIGKILL'));
  afterAll(() => storage.close());

  const start = (batchSize = 40) => {
    child = spawn(process.execPath, [PROJECTOR], {
      env: { ...process.env, DATABASE_URL: storage.url, DWC_PROJECTOR_BATCH_SIZE: String(batchSize), LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return child;
  };

  const count = async (query: ReturnType<typeof sql<{ n: string }>>) => Number((await query.execute(storage.db)).rows[0].n);
  const checkpoint = async (name: string) => {
    const row = await storage.db.selectFrom('projection_checkpoints').select(['commit_position', 'prepare_position'])
      .where('name', '=', name).executeTakeFirst();
    return row ? { commit: String(row.commit_position), prepare: String(row.prepare_position) } : null;
  };
  /** Committed events up to a checkpoint (all of them, or of one type). */
  const eventsUpTo = async (at: { commit: string; prepare: string } | null, type?: string) => (at === null || BigInt(at.commit) < 0n ? 0
    : count(sql<{ n: string }>`select count(*)::text as n from es_events where ${type ? sql`type = ${type}` : sql`true`}
        and (transaction_id, global_position) <= (${at.commit}::xid8, ${at.prepare}::bigint)`));

  /** Every projector's rows against the log up to its own checkpoint; answers the strict projector's row count. */
  const assertConsistent = async (): Promise<number> => {
    const strict = await eventsUpTo(await checkpoint('crash_strict'));
    expect(await count(sql<{ n: string }>`select count(*)::text as n from crash_strict`)).toBe(strict);
    expect(await count(sql<{ n: string }>`select count(distinct event_id)::text as n from crash_strict`)).toBe(strict);
    const counted = await count(sql<{ n: string }>`select coalesce(max(applied), 0)::text as n from crash_counter`);
    expect(counted).toBe(await eventsUpTo(await checkpoint('crash_counter')));
    expect(await count(sql<{ n: string }>`select count(*)::text as n from projects`)).toBe(await eventsUpTo(await checkpoint('projects'), 'ProjectCreated'));
    // The audit log has one entry per organization event up to its checkpoint, and its hash chain verifies.
    expect(await count(sql<{ n: string }>`select count(*)::text as n from audit_log where organization_id = ${ORGANIZATION}`))
      .toBe(await eventsUpTo(await checkpoint('audit_log')));
    const verified = await new AuditLogQueries({ storage } as unknown as Platform).verify(ORGANIZATION);
    expect(verified).toMatchObject({ ok: true });
    // Every other projector handles none of these events: its table stays empty, whatever its checkpoint.
    for (const projector of allProjectors.filter((p) => !['projects', 'audit_log'].includes(p.name))) {
      for (const table of projector.tables) {
        expect({ table, rows: await count(sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`) }).toEqual({ table, rows: 0 });
      }
    }
    return strict;
  };

  it('applies every event exactly once across repeated kill -9 and restarts, every projector and the audit chain', async () => {
    expect(allProjectors.map((p) => p.name)).toEqual(expect.arrayContaining(['projects', 'audit_log']));
    let applied = 0;
    for (let round = 0; round < 3; round++) {
      const process = start();
      // The round must make progress: a projector that stalls (or a process that fails to start) fails it here.
      await waitUntilAsync(async () => (await eventsUpTo(await checkpoint('crash_strict'))) > applied, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 30 + round * 40)); // a kill somewhere inside a later batch
      process.kill('SIGKILL');
      await new Promise((resolve) => process.once('exit', resolve));
      const now = await assertConsistent();
      expect(now).toBeGreaterThan(applied);
      applied = now;
    }
    expect(applied).toBeLessThan(PROJECTS);
    // The rest in larger batches (small ones only matter while killing); a projector that stalls on a double apply never gets there.
    start(500);
    await waitUntilAsync(async () => (await eventsUpTo(await checkpoint('audit_log'))) === PROJECTS
      && (await eventsUpTo(await checkpoint('crash_strict'))) === PROJECTS && (await eventsUpTo(await checkpoint('projects'))) === PROJECTS, 180_000);
    expect(await assertConsistent()).toBe(PROJECTS);
    expect(await count(sql<{ n: string }>`select count(distinct id)::text as n from projects`)).toBe(PROJECTS);
    expect(await count(sql<{ n: string }>`select coalesce(max(applied), 0)::text as n from crash_counter`)).toBe(PROJECTS);
  }, 400_000); // three kill rounds of up to 30 s each and a full catch-up of every projector
});
