/**
 * Plain records the simulator keeps in memory. Field names are the wire names of the runtime
 * contract (snake_case), so handlers serialize them without a mapping layer.
 */

export type ServerRole = 'worker' | 'operator' | 'admin';
/** Roles a runtime credential may carry; admin stays with the static server token. */
export type CredentialRole = 'operator' | 'worker';

export interface NamespaceRecord {
  readonly name: string;
  readonly description: string | null;
  readonly retention_days: number;
  /** Assumed: a disabled namespace refuses workflow commands (Cloud disables the one of a deleted namespace). */
  readonly status: 'active' | 'disabled';
  readonly external_payload_storage: null;
  readonly created_at: string;
  readonly updated_at: string;
}

export type WorkflowStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated';

export interface WorkflowMessage {
  readonly name: string;
  readonly input: unknown;
  readonly at: string;
}

export interface WorkflowRecord {
  readonly namespace: string;
  readonly workflow_id: string;
  readonly run_id: string;
  readonly run_number: number;
  readonly workflow_type: string;
  readonly task_queue: string;
  readonly business_key: string | null;
  readonly input: unknown;
  readonly memo: unknown;
  readonly status: WorkflowStatus;
  readonly started_at: string;
  readonly closed_at: string | null;
  readonly close_reason: string | null;
  readonly result: unknown;
  readonly signals: readonly WorkflowMessage[];
  readonly updates: readonly WorkflowMessage[];
}

export interface CredentialRecord {
  readonly id: string;
  readonly name: string | null;
  readonly subject: string;
  readonly roles: readonly CredentialRole[];
  readonly tenant: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly token_hash: string;
  readonly token_prefix: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  /** **Assumed**: a suspended credential authenticates nothing until resumed (billing restriction). */
  readonly suspended_at?: string | null;
  readonly rotated_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export type ReplicationRole = 'primary' | 'secondary';

export interface ReplicationRecord {
  readonly namespace: string;
  readonly role: ReplicationRole;
  readonly epoch: number;
  readonly lag_seconds: number;
}

export type UsageActionType =
  | 'workflow_start'
  | 'activity_execution'
  | 'timer_fire'
  | 'signal'
  | 'update'
  | 'query'
  | 'storage_byte_hours';

export const USAGE_ACTION_TYPES: readonly UsageActionType[] = Object.freeze([
  'workflow_start',
  'activity_execution',
  'timer_fire',
  'signal',
  'update',
  'query',
  'storage_byte_hours',
]);

export interface UsageRecord {
  /** Position in the feed; the cursor handed out is this number as a string. */
  readonly sequence: number;
  readonly record_id: string;
  readonly namespace: string;
  readonly action_type: UsageActionType;
  readonly quantity: number;
  readonly window_start: string;
  readonly window_end: string;
}

export interface Principal {
  readonly roles: readonly ServerRole[];
  /** The role reported in 403 bodies. */
  readonly primaryRole: ServerRole;
  readonly subject: string;
  readonly authMethod: 'token' | 'runtime_credential';
  readonly credentialId: string | null;
  /** Runtime credentials are confined to one namespace; static server tokens are not. */
  readonly tenant: string | null;
}

/**
 * What the runtime records about each control-plane request (its "command facts"), plus the raw
 * request so tests can assert what a client actually sent.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names, as received. */
  readonly headers: Readonly<Record<string, string>>;
  readonly namespace: string | null;
  readonly role: ServerRole | null;
  readonly subject: string | null;
  readonly credential_id: string | null;
  readonly auth_method: 'token' | 'runtime_credential' | null;
  readonly auth_status: 'authenticated' | 'rejected' | 'not_required';
  readonly fingerprint: string;
  readonly request_id: string | null;
  readonly correlation_id: string | null;
  readonly status: number;
  readonly received_at: string;
}
