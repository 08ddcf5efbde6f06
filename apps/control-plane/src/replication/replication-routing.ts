import { Inject, Injectable } from '@nestjs/common';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { loadReplication } from './replication.commands';

/**
 * Exactly one writer: the target writes go to is read from the enrollment's stream at the moment of
 * the forward (never a read model that may lag a switch). A command read before a switch committed
 * and sent after it reaches the old primary, which the saga demoted with the new epoch before routing
 * switched, so the target refuses it (`namespace_not_active`).
 */
@Injectable()
export class ReplicationRouting {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  /** The current primary's target id when the namespace is replicated; null otherwise. */
  async currentPrimary(organizationId: string, namespaceId: string): Promise<string | null> {
    const { state } = await loadReplication(this.platform, organizationId, namespaceId);
    return state.status === 'enrolled' ? state.current_primary : null;
  }
}

/** The `replication` field of the namespace representation (null when not enrolled), from the enrollment's stream. */
export async function replicationSummary(platform: Platform, organizationId: string, namespaceId: string) {
  const { state } = await loadReplication(platform, organizationId, namespaceId);
  if (state.status !== 'enrolled') return null;
  return {
    state: state.switch ? `${state.switch.kind}_in_progress` : state.current_primary === state.home.id ? 'healthy' : 'failed_over',
    current_primary: { id: state.current_primary }, home_primary: { id: state.home.id, region: state.home.region },
    secondary: { id: state.secondary.id, region: state.secondary.region }, secondary_region: state.secondary.region,
    automatic_failover: state.automatic_failover, epoch: state.epoch, last_failover_at: state.last_failover_at, last_failback_at: state.last_failback_at,
  };
}
