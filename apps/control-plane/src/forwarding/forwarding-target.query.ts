import { Inject, Injectable } from '@nestjs/common';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ReplicationRouting } from '../replication/replication-routing';

/** Everything forwarding needs about a namespace, in one read: its place, its organization's standing, its target. */
export interface ForwardingTarget {
  readonly namespace_id: string;
  readonly project: string;
  readonly environment: string;
  readonly billing_restricted: boolean;
  readonly runtime_target_id: string | null;
  readonly runtime_namespace: string | null;
  readonly base_url: string | null;
  readonly credential: string | null;
}

@Injectable()
export class ForwardingTargets {
  constructor(@Inject(PLATFORM) private readonly platform: Platform, private readonly replication: ReplicationRouting) {}

  /** The caller's organization's namespace (never another's), or undefined; a replicated namespace's current primary, read at this moment. */
  async find(organizationId: string, namespace: string): Promise<ForwardingTarget | undefined> {
    const row = await this.placed(organizationId, namespace);
    if (!row) return row;
    const primary = await this.replication.currentPrimary(organizationId, row.namespace_id);
    if (primary === null || primary === row.runtime_target_id) return row;
    const target = await this.platform.storage.db.selectFrom('runtime_targets').select(['id', 'base_url', 'credential']).where('id', '=', primary).executeTakeFirst();
    return target ? { ...row, runtime_target_id: target.id, base_url: target.base_url, credential: target.credential } : row;
  }

  private placed(organizationId: string, namespace: string): Promise<ForwardingTarget | undefined> {
    return this.platform.storage.db.selectFrom('namespaces as n')
      .innerJoin('organizations as o', 'o.id', 'n.organization_id')
      .leftJoin('namespace_placements as p', (join) => join.onRef('p.organization_id', '=', 'n.organization_id')
        .onRef('p.namespace_id', '=', 'n.id').on('p.unassigned_at', 'is', null))
      .leftJoin('runtime_targets as t', 't.id', 'p.runtime_target_id')
      .select(['n.id as namespace_id', 'n.project', 'n.environment', 'o.billing_restricted', 'p.runtime_target_id', 'p.runtime_namespace', 't.base_url', 't.credential'])
      .where('n.organization_id', '=', organizationId).where('n.name', '=', namespace).where('n.state', '!=', 'deleted')
      .executeTakeFirst();
  }
}
