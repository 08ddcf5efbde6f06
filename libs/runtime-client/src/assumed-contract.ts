/**
 * **Assumed** runtime contracts: runtime-credential paths, replication role/epoch, and the usage
 * feed are not published by Durable Workflow. Everything Cloud assumes about them lives in this one
 * module (paths, bodies, response shapes), so a published contract changes one file.
 */
import { ControlPlaneCaller, RequestContext } from './control-plane-caller';
import { RuntimeClientError } from './errors';

export const ASSUMED_PATHS = Object.freeze({
  credentials: '/api/runtime-credentials',
  credential: (id: string) => `/api/runtime-credentials/${encodeURIComponent(id)}`,
  rotate: (id: string) => `/api/runtime-credentials/${encodeURIComponent(id)}/rotate`,
  revoke: (id: string) => `/api/runtime-credentials/${encodeURIComponent(id)}/revoke`,
  namespace: (name: string) => `/api/namespaces/${encodeURIComponent(name)}`,
  suspend: (id: string) => `/api/runtime-credentials/${encodeURIComponent(id)}/suspend`,
  resume: (id: string) => `/api/runtime-credentials/${encodeURIComponent(id)}/resume`,
  replication: '/api/system/replication',
  usage: '/api/system/usage',
});

// ── Runtime credentials ────────────────────────────────────────────────────────────────────────

/** Cloud's credential roles and the server roles they become (published mapping). */
export type CloudCredentialRole = 'client' | 'worker';
export type ServerCredentialRole = 'operator' | 'worker';
export const serverRoleFor = (role: CloudCredentialRole): ServerCredentialRole => (role === 'client' ? 'operator' : 'worker');

export interface RuntimeCredentialSpec {
  readonly name?: string;
  readonly subject: string;
  readonly roles: readonly CloudCredentialRole[];
  /** The namespace the credential is confined to. */
  readonly tenant: string;
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly expiresAt?: string | null;
  /** 32..512 characters; the runtime keeps only its sha256. */
  readonly token: string;
}

export interface RuntimeCredential {
  readonly id: string;
  readonly name: string | null;
  readonly subject: string;
  readonly roles: readonly ServerCredentialRole[];
  readonly tenant: string;
  readonly token_prefix: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly rotated_at: string | null;
  /** **Assumed**: set while the credential is suspended (Cloud's billing restriction). */
  readonly suspended_at: string | null;
}

// ── Namespace status ───────────────────────────────────────────────────────────────────────────

/**
 * Assumed: `PUT /api/namespaces/{name}` takes `status: "active" | "disabled"`. A disabled namespace
 * refuses workflow commands and worker polls; Cloud disables the runtime namespace of a deleted one.
 */
export type RuntimeNamespaceStatus = 'active' | 'disabled';

// ── Replication ────────────────────────────────────────────────────────────────────────────────

export type ReplicationRole = 'primary' | 'secondary';

export interface ReplicationStatus {
  readonly namespace: string;
  readonly role: ReplicationRole;
  readonly epoch: number;
  readonly lag_seconds: number | null;
  readonly last_successful_replication_at: string | null;
}

// ── Usage feed ─────────────────────────────────────────────────────────────────────────────────

export interface UsageRecord {
  /** Unique per target; Cloud deduplicates on it. */
  readonly record_id: string;
  readonly namespace: string;
  readonly action_type: string;
  readonly quantity: number;
  readonly window_start: string;
  readonly window_end: string;
}

export interface UsagePage {
  readonly records: readonly UsageRecord[];
  /** Opaque; store it durably and pass it as `after` next time. */
  readonly next_cursor: string | null;
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const invalid = (what: string): RuntimeClientError => new RuntimeClientError('invalid_response', `unexpected ${what} response from runtime`);
const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): string | null => (str(v) ? v : null);

const toCredential = (json: unknown): RuntimeCredential => {
  if (!isObject(json) || !str(json.id) || !str(json.subject) || !str(json.tenant) || !str(json.token_prefix) || !Array.isArray(json.roles)) {
    throw invalid('runtime credential');
  }
  return {
    id: json.id,
    name: strOrNull(json.name),
    subject: json.subject,
    roles: json.roles.filter((r): r is ServerCredentialRole => r === 'operator' || r === 'worker'),
    tenant: json.tenant,
    token_prefix: json.token_prefix,
    expires_at: strOrNull(json.expires_at),
    revoked_at: strOrNull(json.revoked_at),
    rotated_at: strOrNull(json.rotated_at),
    suspended_at: strOrNull(json.suspended_at),
  };
};

const toReplication = (json: unknown): ReplicationStatus => {
  if (!isObject(json) || !str(json.namespace) || (json.role !== 'primary' && json.role !== 'secondary') || typeof json.epoch !== 'number') {
    throw invalid('replication');
  }
  return {
    namespace: json.namespace,
    role: json.role,
    epoch: json.epoch,
    lag_seconds: typeof json.lag_seconds === 'number' ? json.lag_seconds : null,
    last_successful_replication_at: strOrNull(json.last_successful_replication_at),
  };
};

const toUsageRecord = (json: unknown): UsageRecord => {
  if (
    !isObject(json) || !str(json.record_id) || !str(json.namespace) || !str(json.action_type) ||
    typeof json.quantity !== 'number' || !str(json.window_start) || !str(json.window_end)
  ) {
    throw invalid('usage record');
  }
  const { record_id, namespace, action_type, quantity, window_start, window_end } = json;
  return { record_id, namespace, action_type, quantity, window_start, window_end };
};

/** Calls the assumed endpoints; all of them need an admin credential and the version header. */
export class AssumedRuntimeContract {
  constructor(private readonly caller: ControlPlaneCaller) {}

  /** Creates the credential (created: true) or confirms an identical one; a different one is a 409 `runtime_credential_conflict`. */
  async upsertCredential(baseUrl: string, adminCredential: string, id: string, spec: RuntimeCredentialSpec, context?: RequestContext): Promise<{ created: boolean; credential: RuntimeCredential }> {
    const body = {
      name: spec.name,
      subject: spec.subject,
      roles: [...new Set(spec.roles.map(serverRoleFor))],
      tenant: spec.tenant,
      claims: spec.claims,
      expires_at: spec.expiresAt,
      token: spec.token,
    };
    const result = await this.caller.ok({ baseUrl, credential: adminCredential, method: 'PUT', path: ASSUMED_PATHS.credential(id), body, context });
    return { created: result.status === 201, credential: toCredential(result.json) };
  }

  async getCredential(baseUrl: string, adminCredential: string, id: string, context?: RequestContext): Promise<RuntimeCredential> {
    return toCredential((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'GET', path: ASSUMED_PATHS.credential(id), context })).json);
  }

  async rotateCredential(baseUrl: string, adminCredential: string, id: string, rotation: { token: string; expiresAt?: string | null }, context?: RequestContext): Promise<RuntimeCredential> {
    const body = { token: rotation.token, expires_at: rotation.expiresAt };
    return toCredential((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'POST', path: ASSUMED_PATHS.rotate(id), body, context })).json);
  }

  async revokeCredential(baseUrl: string, adminCredential: string, id: string, context?: RequestContext): Promise<RuntimeCredential> {
    return toCredential((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'POST', path: ASSUMED_PATHS.revoke(id), context })).json);
  }

  /** Enables or disables a namespace; the namespace's own record comes back. */
  async setNamespaceStatus(baseUrl: string, adminCredential: string, name: string, status: RuntimeNamespaceStatus, context?: RequestContext): Promise<unknown> {
    return (await this.caller.ok({ baseUrl, credential: adminCredential, method: 'PUT', path: ASSUMED_PATHS.namespace(name), body: { status }, context })).json;
  }

  /** **Assumed**: suspend (or resume) a credential; idempotent either way. */
  async setCredentialSuspended(baseUrl: string, adminCredential: string, id: string, suspended: boolean, context?: RequestContext): Promise<RuntimeCredential> {
    const path = suspended ? ASSUMED_PATHS.suspend(id) : ASSUMED_PATHS.resume(id);
    return toCredential((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'POST', path, context })).json);
  }

  async getReplication(baseUrl: string, adminCredential: string, namespace: string, context?: RequestContext): Promise<ReplicationStatus> {
    return toReplication((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'GET', path: ASSUMED_PATHS.replication, namespace, context })).json);
  }

  /** Promotes or demotes; a lower epoch than the target has seen fails with reason `stale_replication_epoch`. */
  async setReplication(baseUrl: string, adminCredential: string, namespace: string, change: { role: ReplicationRole; epoch: number }, context?: RequestContext): Promise<ReplicationStatus> {
    const result = await this.caller.ok({ baseUrl, credential: adminCredential, method: 'PUT', path: ASSUMED_PATHS.replication, namespace, body: change, context });
    return toReplication(result.json);
  }

  async usagePage(baseUrl: string, adminCredential: string, page: { after?: string | null; limit?: number } = {}, context?: RequestContext): Promise<UsagePage> {
    const query = { after: page.after ?? undefined, limit: page.limit };
    const { json } = await this.caller.ok({ baseUrl, credential: adminCredential, method: 'GET', path: ASSUMED_PATHS.usage, query, context });
    if (!isObject(json) || !Array.isArray(json.records) || !(json.next_cursor === null || str(json.next_cursor))) throw invalid('usage');
    return { records: json.records.map(toUsageRecord), next_cursor: json.next_cursor };
  }
}
