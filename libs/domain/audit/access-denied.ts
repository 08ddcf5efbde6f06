import { DomainEvent } from '../shared/event';

/** A refused request (401/403/429): who tried what, and why it was refused. Never carries a secret. */
export type AccessDenied = DomainEvent<'AccessDenied', {
  readonly organization_id: string | null;
  /** Principal id when the key resolved to one; otherwise null. */
  readonly principal_id: string | null;
  /** The public prefix of the presented key (`dwc_` + 12 characters), when it had one. */
  readonly key_prefix: string | null;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly reason: string;
  readonly capability: string | null;
  readonly client_ip: string;
  readonly request_id: string;
  readonly denied_at: string;
}>;

/** How many streams one organization's (or the platform's) denials are spread over. */
export const ACCESS_DENIAL_BUCKETS = 16;

/**
 * Denials land in one of ACCESS_DENIAL_BUCKETS streams per organization (or the platform's, for keys
 * that resolve to none), chosen by `bucket` (a hash of the request), so a burst has no single hot
 * stream. Streams written before partitioning (`access_denials-<organization>`) stay readable as they are.
 */
export const accessDenialsStream = (organizationId: string | null, bucket = 0) =>
  `access_denials-${organizationId ?? 'platform'}-${bucket % ACCESS_DENIAL_BUCKETS}`;
