import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ReplicationRouting } from '../replication/replication-routing';
import { RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';

export interface ActivePlacement {
  readonly runtime_namespace: string;
  readonly provisioning_status: string;
  readonly target: RuntimeTargetRow;
}

/** The namespace's active target, with its row; 409 when the namespace has none yet. */
@Injectable()
export class ActivePlacements {
  constructor(@Inject(PLATFORM) private readonly platform: Platform, private readonly replication: ReplicationRouting) {}

  async require(organizationId: string, namespaceId: string): Promise<ActivePlacement> {
    const row = await this.platform.storage.db.selectFrom('namespace_placements as p')
      .innerJoin('runtime_targets as t', 't.id', 'p.runtime_target_id')
      .selectAll('t').select(['p.runtime_namespace', 'p.provisioning_status'])
      .where('p.organization_id', '=', organizationId).where('p.namespace_id', '=', namespaceId).where('p.unassigned_at', 'is', null)
      .executeTakeFirst();
    if (!row) {
      throw new ProblemException(409, 'namespace-not-placed', 'Conflict',
        'the namespace has no runtime target; assign one with PUT /api/v1/namespaces/{namespace}/runtime-target');
    }
    const { runtime_namespace, provisioning_status, ...target } = row;
    // A replicated namespace answers its current primary at once after a switch (read from the enrollment's stream).
    const primary = await this.replication.currentPrimary(organizationId, namespaceId);
    if (primary !== null && primary !== target.id) {
      const current = await this.platform.storage.db.selectFrom('runtime_targets').selectAll().where('id', '=', primary).executeTakeFirst();
      if (current) return { runtime_namespace, provisioning_status, target: current };
    }
    return { runtime_namespace, provisioning_status, target };
  }
}
