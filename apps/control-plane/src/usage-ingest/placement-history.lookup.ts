import { Inject, Injectable } from '@nestjs/common';
import { NamespacePlacement, PlacementLookup } from '../billing/placement-lookup';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/**
 * Billing's placement lookup, backed by the placement history: the Cloud namespace whose runtime
 * namespace on this target is the reported one, and whose placement there overlapped the record's
 * window (assigned before the window ended, not unassigned before it started). Usage reported
 * after a migration for runs that stayed on the old target is still accepted for its window.
 */
@Injectable()
export class PlacementHistoryLookup {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  readonly lookup: PlacementLookup = async (runtimeTargetId, namespaceName, windowStart, windowEnd): Promise<NamespacePlacement | null> => {
    const row = await this.platform.storage.db.selectFrom('namespace_placements as p')
      .innerJoin('namespaces as n', (join) => join.onRef('n.organization_id', '=', 'p.organization_id').onRef('n.id', '=', 'p.namespace_id'))
      .select(['p.organization_id', 'p.namespace', 'n.project', 'n.environment'])
      .where('p.runtime_target_id', '=', runtimeTargetId).where('p.runtime_namespace', '=', namespaceName.toLowerCase())
      .where('p.assigned_at', '<', new Date(windowEnd))
      .where((eb) => eb.or([eb('p.unassigned_at', 'is', null), eb('p.unassigned_at', '>', new Date(windowStart))]))
      .orderBy('p.assigned_at', 'desc')
      .executeTakeFirst();
    return row ? { organization_id: row.organization_id, namespace: row.namespace, project: row.project, environment: row.environment } : null;
  };
}
