import { sql } from 'kysely';
import { NamespacePlacementEvent } from '../../libs/domain/placement/namespace-placement/events';
import { NamespaceDeleted } from '../../libs/domain/tenancy/namespace/events';
import { deterministicEventId, RecordedEvent } from '../../libs/event-store/src';
import { AnyDb, Projector } from '../../libs/read-model/src/projection/projector';
import { openTestStorage, TestStorage } from '../../test/support/test-storage';
import { namespacePlacementsProjector } from './namespace-placements.projector';

const ns = { organization_id: 'org_a', namespace: 'orders', namespace_id: 'ns_1' };
const STREAM = 'namespace_placement-org_a.ns_1';
let position = 0n;

const recorded = (revision: number, event: NamespacePlacementEvent | NamespaceDeleted, streamId = STREAM): RecordedEvent => ({
  id: deterministicEventId(`placements-spec-${streamId}`, revision), streamId, revision: BigInt(revision), position: { commit: 1n, prepare: ++position },
  type: event.type, data: event.data,
  metadata: { organization_id: 'org_a', actor: { id: 'usr_1', kind: 'user' }, cause: 'spec', correlation_id: 'spec', occurred_at: '2026-05-01T00:00:00.000Z', schema_version: 1 },
});

const assigned = (at: string): NamespacePlacementEvent => ({
  type: 'NamespaceRuntimeTargetAssigned', data: { ...ns, runtime_target_id: 'rt_a', runtime_namespace: 'x-orders', assigned_at: at },
});
const provisioned = (target: string, at: string): NamespacePlacementEvent => ({
  type: 'NamespaceProvisioned', data: { ...ns, runtime_target_id: target, runtime_namespace: 'x-orders', created: true, attempts: 1, provisioned_at: at },
});
const failed = (target: string, at: string): NamespacePlacementEvent => ({
  type: 'NamespaceProvisioningFailed', data: { ...ns, runtime_target_id: target, runtime_namespace: 'x-orders', reason: 'timeout', detail: 'slow', attempts: 3, failed_at: at },
});
const migrated = (at: string): NamespacePlacementEvent => ({
  type: 'NamespaceMigrated',
  data: {
    ...ns, from_runtime_target_id: 'rt_a', from_runtime_namespace: 'x-orders', to_runtime_target_id: 'rt_b', to_runtime_namespace: 'x-orders',
    reason: 'move', in_flight_runs: 'remain_on_previous_target', migrated_at: at,
  },
});
const deleted: NamespaceDeleted = { type: 'NamespaceDeleted', data: { organization_id: 'org_a', name: 'orders', deleted_at: '2026-05-04T00:00:00.000Z' } };

const rows = async (db: AnyDb) => (await sql<Record<string, unknown>>`
  select runtime_target_id, to_char(assigned_at at time zone 'UTC', 'MM-DD') as assigned, to_char(unassigned_at at time zone 'UTC', 'MM-DD') as unassigned,
    provisioning_status, provisioning_detail, migration_reason
  from namespace_placements order by assigned_at`.execute(db)).rows;

/** The projector as the runner holds it (in a list of projectors over different tables). */
const asRun: Projector = namespacePlacementsProjector;

describe('namespace placements projector: given events, then rows', () => {
  let storage: TestStorage;
  beforeAll(async () => { storage = await openTestStorage(); });
  afterAll(() => storage.close());

  it('keeps one row per period on a target, closes it on migration and deletion, and skips replayed events', async () => {
    const db = storage.db;
    await namespacePlacementsProjector.createTables(db);
    const apply = (events: RecordedEvent[]) => db.transaction().execute((trx) => asRun.applyBatch(trx, events));
    const history = [
      recorded(0, assigned('2026-05-01T00:00:00.000Z')),
      recorded(1, failed('rt_a', '2026-05-01T00:01:00.000Z')),
      recorded(2, provisioned('rt_a', '2026-05-01T00:02:00.000Z')),
      recorded(3, migrated('2026-05-02T00:00:00.000Z')),
      recorded(4, provisioned('rt_b', '2026-05-02T00:01:00.000Z')),
    ];
    await apply(history.slice(0, 2));
    expect(await rows(db)).toEqual([
      { runtime_target_id: 'rt_a', assigned: '05-01', unassigned: null, provisioning_status: 'failed', provisioning_detail: 'timeout: slow', migration_reason: null },
    ]);
    await apply(history.slice(2));
    await apply([history[1]]); // a replayed failure changes nothing
    expect(await rows(db)).toEqual([
      { runtime_target_id: 'rt_a', assigned: '05-01', unassigned: '05-02', provisioning_status: 'provisioned', provisioning_detail: null, migration_reason: null },
      { runtime_target_id: 'rt_b', assigned: '05-02', unassigned: null, provisioning_status: 'provisioned', provisioning_detail: null, migration_reason: 'move' },
    ]);
    await apply([recorded(0, deleted, 'namespace-org_a.orders')]);
    expect((await rows(db)).map((r) => r.unassigned)).toEqual(['05-02', '05-04']);
  });
});
