import { sql } from 'kysely';
import { openTestStorage, TestStorage } from '../support/test-storage';
import { auditLogProjector } from '../../projections/audit-log/audit-log.projector';

/**
 * The auditor's filters are served by indexes: with sequential scans priced out, the planner answers
 * each filter of GET /api/v1/audit-log (the query AuditLogQueries builds) from its own index, never
 * by reading the whole table.
 */
describe('audit log filters', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await auditLogProjector.createTables(storage.db);
    await sql`insert into audit_log select 'org_' || (i % 20), i, i, gen_random_uuid(), now() - (i || ' seconds')::interval,
      'usr_' || (i % 50), 'user', null, 'Action' || (i % 30), 'stream-' || i, 'ns' || (i % 40), 'succeeded', 'req', 'h', 'h'
      from generate_series(1, 20000) i`.execute(storage.db);
    await sql`analyze audit_log`.execute(storage.db);
  });
  afterAll(() => storage.close());

  const plan = async (where: ReturnType<typeof sql>) => {
    return storage.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const result = await sql<{ 'QUERY PLAN': string }>`explain select * from audit_log where organization_id = 'org_3' and ${where}
        order by commit_position, prepare_position limit 51`.execute(trx);
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  };

  it.each([
    ['actor', sql`actor_id = 'usr_3'`, 'audit_log_by_actor'],
    ['namespace', sql`namespace = 'ns3'`, 'audit_log_by_namespace'],
    ['action', sql`action = 'Action3'`, 'audit_log_by_action'],
    ['time range', sql`occurred_at >= now() - interval '1 hour' and occurred_at < now()`, 'audit_log_by_time'],
  ])('serves the %s filter from its index', async (_, where, index) => {
    const text = await plan(where);
    expect(text).toContain(index);
    expect(text).not.toMatch(/Seq Scan/);
  });
});
