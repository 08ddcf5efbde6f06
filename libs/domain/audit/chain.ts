import { createHash } from 'node:crypto';

/** The `previous_hash` of an organization's first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an auditor sees of one event: who did what to which resource, with which outcome. */
export interface AuditEntry {
  readonly organization_id: string;
  readonly commit_position: string;
  readonly prepare_position: string;
  readonly event_id: string;
  readonly occurred_at: string;
  readonly actor_id: string;
  readonly actor_kind: string;
  readonly key_id: string | null;
  readonly action: string;
  readonly resource: string;
  /** The namespace the event concerns, when it concerns one. */
  readonly namespace: string | null;
  readonly outcome: 'succeeded' | 'denied';
  readonly request_id: string;
  readonly previous_hash: string;
  readonly hash: string;
}

/**
 * The chain link: sha256 over the previous hash and the entry's own facts, in a fixed field order.
 * Changing a stored entry (or dropping one) breaks every later hash of that organization's chain.
 * The offline verifier (`export-verification.ts`) recomputes exactly this, so it never changes.
 */
export function chainHash(previousHash: string, entry: Omit<AuditEntry, 'hash' | 'previous_hash'>): string {
  return createHash('sha256').update([
    previousHash, entry.organization_id, entry.commit_position, entry.prepare_position, entry.event_id, entry.occurred_at,
    entry.actor_id, entry.actor_kind, entry.key_id ?? '', entry.action, entry.resource, entry.namespace ?? '', entry.outcome, entry.request_id,
  ].join('\n')).digest('hex');
}
