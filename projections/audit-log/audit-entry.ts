import { RecordedEvent } from '../../libs/event-store/src/event-store';

import { AuditEntry } from '../../libs/domain/audit/chain';

export type { AuditEntry } from '../../libs/domain/audit/chain';
export { chainHash, GENESIS_HASH } from '../../libs/domain/audit/chain';

export function auditFacts(event: RecordedEvent): Omit<AuditEntry, 'hash' | 'previous_hash'> | null {
  const organizationId = event.metadata.organization_id;
  if (!organizationId) return null;
  return {
    organization_id: organizationId,
    commit_position: event.position.commit.toString(),
    prepare_position: event.position.prepare.toString(),
    event_id: event.id,
    occurred_at: event.metadata.occurred_at,
    actor_id: event.metadata.actor.id,
    actor_kind: event.metadata.actor.kind,
    key_id: event.metadata.actor.key_id ?? null,
    action: event.type,
    resource: event.streamId,
    namespace: namespaceOf(event),
    outcome: event.type === 'AccessDenied' ? 'denied' : 'succeeded',
    request_id: event.metadata.cause,
  };
}

function namespaceOf(event: RecordedEvent): string | null {
  const data = event.data as { namespace?: unknown; name?: unknown };
  if (typeof data?.namespace === 'string') return data.namespace;
  if (event.type.startsWith('Namespace') && typeof data?.name === 'string') return data.name;
  return null;
}
