import { Kysely } from 'kysely';
import { Database } from '../platform/database';

/** A namespace's active placement as the namespace representation shows it. */
export interface PlacementSummary {
  readonly runtime_target: { readonly id: string; readonly base_url: string; readonly region: string; readonly provider: string };
  readonly runtime_namespace: string;
  readonly provisioning: { readonly status: string; readonly detail: string | null };
}

/** The active placements of the given namespaces (by namespace id), one query for a whole page. */
export async function activePlacements(db: Kysely<Database>, organizationId: string, namespaceIds: readonly string[]): Promise<Map<string, PlacementSummary>> {
  if (namespaceIds.length === 0) return new Map();
  const rows = await db.selectFrom('namespace_placements as p')
    .innerJoin('runtime_targets as t', 't.id', 'p.runtime_target_id')
    .select(['p.namespace_id', 'p.runtime_namespace', 'p.provisioning_status', 'p.provisioning_detail', 't.id', 't.base_url', 't.region', 't.provider'])
    .where('p.organization_id', '=', organizationId).where('p.namespace_id', 'in', [...namespaceIds]).where('p.unassigned_at', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.namespace_id, {
    runtime_target: { id: row.id, base_url: row.base_url, region: row.region, provider: row.provider },
    runtime_namespace: row.runtime_namespace,
    provisioning: { status: row.provisioning_status, detail: row.provisioning_detail },
  }]));
}

/** The rows with their `placement` (null when unplaced) attached. */
export async function withPlacements<R extends { readonly id: string }>(db: Kysely<Database>, organizationId: string, rows: readonly R[]): Promise<(R & { placement: PlacementSummary | null })[]> {
  const placements = await activePlacements(db, organizationId, rows.map((row) => row.id));
  return rows.map((row) => ({ ...row, placement: placements.get(row.id) ?? null }));
}
