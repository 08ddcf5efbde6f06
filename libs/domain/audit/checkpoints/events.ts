import { DomainEvent } from '../../shared/event';

/**
 * A signature over an organization's audit chain head: "this organization's chain had `entries`
 * entries, the last at `position` with hash `head_hash`". Anyone holding the public key of `key_id`
 * can check it offline (`checkpointPayload`).
 */
export interface AuditCheckpoint {
  readonly organization_id: string;
  /** Position (`<commit>.<prepare>`) of the last entry covered. */
  readonly position: string;
  readonly entries: number;
  readonly head_hash: string;
  readonly key_id: string;
  readonly algorithm: 'Ed25519';
  /** base64 of the Ed25519 signature of `checkpointPayload(...)`. */
  readonly signature: string;
  readonly signed_at: string;
}

export type AuditCheckpointSigned = DomainEvent<'AuditCheckpointSigned', AuditCheckpoint>;

/** One stream per signed head and key: signing the same head twice (two replicas, a retry) appends once. */
export const auditCheckpointStream = (organizationId: string, position: string, keyId: string) =>
  `audit_checkpoint-${organizationId}.${position}.${keyId}`;

/** Exactly the bytes that are signed. Fixed forever: exports made today must verify tomorrow. */
export const checkpointPayload = (c: Omit<AuditCheckpoint, 'signature' | 'algorithm'>): Buffer =>
  Buffer.from(['dwc-audit-checkpoint/v1', c.organization_id, c.position, String(c.entries), c.head_hash, c.signed_at, c.key_id].join('\n'), 'utf8');
