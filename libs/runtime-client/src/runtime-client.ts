import { AssumedRuntimeContract, ReplicationRole, ReplicationStatus, RuntimeCredential, RuntimeCredentialSpec, RuntimeNamespaceStatus, UsagePage } from './assumed-contract';
import { ClusterInfo, TargetRefusal, TargetRefusedError, parseClusterInfo } from './cluster-info';
import { ControlPlaneCaller, RequestContext, httpError } from './control-plane-caller';
import { RuntimeClientError, isRuntimeClientError } from './errors';
import { ForwardRequest, ForwardResponse, forwardRequest } from './forward';
import { FetchLike, parseJson, sendRequest } from './http-transport';

export interface RuntimeClientOptions {
  /** Per-call timeout unless a call says otherwise. */
  readonly timeoutMs?: number;
  readonly fetch?: FetchLike;
}

export type VerifyTargetResult =
  | { readonly ok: true; readonly info: ClusterInfo }
  | { readonly ok: false; readonly reason: TargetRefusal; readonly detail: string };

export interface ReadyResult {
  readonly ready: boolean;
  readonly detail: string;
}

export interface NamespaceSpec {
  readonly name: string;
  readonly description?: string;
  readonly retentionDays?: number;
}

export interface RuntimeNamespace {
  readonly name: string;
  readonly description: string | null;
  readonly retention_days: number;
  readonly status: string;
}

const toNamespace = (json: unknown): RuntimeNamespace => {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.retention_days !== 'number') throw new RuntimeClientError('invalid_response', 'unexpected namespace response from runtime');
  return { name: o.name, description: typeof o.description === 'string' ? o.description : null, retention_days: o.retention_days, status: String(o.status ?? 'active') };
};

/** Cloud's HTTP client for Durable Workflow runtime targets. Stateless: targets are passed per call. */
export class RuntimeClient {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly caller: ControlPlaneCaller;
  private readonly assumed: AssumedRuntimeContract;

  constructor(options: RuntimeClientOptions = {}) {
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.caller = new ControlPlaneCaller(this.fetchImpl, this.timeoutMs);
    this.assumed = new AssumedRuntimeContract(this.caller);
  }

  /** Discovery, validated; throws `TargetRefusedError` with the reason Cloud refuses the target for. */
  async clusterInfo(baseUrl: string, credential: string, namespace?: string, context?: RequestContext): Promise<ClusterInfo> {
    let result;
    try {
      result = await this.caller.call({ baseUrl, credential, method: 'GET', path: '/api/cluster/info', namespace, context });
    } catch (error) {
      if (isRuntimeClientError(error, 'unreachable') || isRuntimeClientError(error, 'timeout')) throw new TargetRefusedError(error.kind as TargetRefusal, error.message);
      throw error;
    }
    if (result.status === 401 || result.status === 403) {
      throw new TargetRefusedError('credential_refused', httpError({ method: 'GET', path: '/api/cluster/info' }, result).message);
    }
    if (result.status !== 200) throw new TargetRefusedError('invalid_response', `cluster info answered ${result.status}`);
    return parseClusterInfo(result.json);
  }

  /** Whether Cloud may use this target: reachable, the credential accepted, control-plane version 2. */
  async verifyTarget(baseUrl: string, credential: string, namespace?: string, context?: RequestContext): Promise<VerifyTargetResult> {
    try {
      return { ok: true, info: await this.clusterInfo(baseUrl, credential, namespace, context) };
    } catch (error) {
      if (error instanceof TargetRefusedError) return { ok: false, reason: error.reason, detail: error.detail };
      throw error;
    }
  }

  /** Readiness for failover decisions: a timeout or connection error counts as not ready. */
  async ready(baseUrl: string, options: { timeoutMs?: number } = {}): Promise<ReadyResult> {
    try {
      const response = await sendRequest(this.fetchImpl, {
        url: `${baseUrl.replace(/\/+$/, '')}/api/ready`,
        method: 'GET',
        headers: { accept: 'application/json' },
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
      });
      const body = parseJson(response.body) as { status?: unknown; checks?: Record<string, { status?: unknown }> } | undefined;
      if (response.status === 200 && body?.status === 'ready') return { ready: true, detail: 'ready' };
      const failing = Object.entries(body?.checks ?? {})
        .filter(([, check]) => check?.status !== 'ok')
        .map(([name, check]) => `${name}: ${String(check?.status)}`);
      return { ready: false, detail: `status ${response.status} ${String(body?.status ?? 'unknown')}${failing.length ? ` (${failing.join(', ')})` : ''}` };
    } catch (error) {
      if (isRuntimeClientError(error)) return { ready: false, detail: `${error.kind}: ${error.message}` };
      throw error;
    }
  }

  /** Forwards one API request with Cloud's credential, namespace, version header and ids. */
  forward(request: ForwardRequest): Promise<ForwardResponse> {
    return forwardRequest(this.fetchImpl, this.timeoutMs, request);
  }

  /** Creates the namespace if missing and converges description/retention if they differ. */
  async ensureNamespace(baseUrl: string, adminCredential: string, spec: NamespaceSpec, context?: RequestContext): Promise<{ created: boolean; namespace: RuntimeNamespace }> {
    const name = spec.name.toLowerCase();
    const body = { name, description: spec.description, retention_days: spec.retentionDays };
    const created = await this.caller.call({ baseUrl, credential: adminCredential, method: 'POST', path: '/api/namespaces', body, context });
    if (created.status === 201) return { created: true, namespace: toNamespace(created.json) };
    const reason = (created.json as { reason?: unknown } | undefined)?.reason;
    if (created.status !== 409 || reason !== 'namespace_already_exists') throw httpError({ method: 'POST', path: '/api/namespaces' }, created);

    const path = `/api/namespaces/${encodeURIComponent(name)}`;
    const current = toNamespace((await this.caller.ok({ baseUrl, credential: adminCredential, method: 'GET', path, context })).json);
    const disabled = current.status === 'disabled';
    const drift =
      (spec.description !== undefined && spec.description !== current.description) ||
      (spec.retentionDays !== undefined && spec.retentionDays !== current.retention_days);
    if (!drift && !disabled) return { created: false, namespace: current };
    // A runtime namespace disabled when its previous Cloud namespace was deleted is enabled again (assumed `status` field).
    const update = { description: spec.description, retention_days: spec.retentionDays, ...(disabled ? { status: 'active' } : {}) };
    const updated = await this.caller.ok({ baseUrl, credential: adminCredential, method: 'PUT', path, body: update, context });
    return { created: false, namespace: toNamespace(updated.json) };
  }

  // Assumed (unpublished) contracts: see assumed-contract.ts.

  upsertCredential(baseUrl: string, adminCredential: string, id: string, spec: RuntimeCredentialSpec, context?: RequestContext): Promise<{ created: boolean; credential: RuntimeCredential }> {
    return this.assumed.upsertCredential(baseUrl, adminCredential, id, spec, context);
  }

  getCredential(baseUrl: string, adminCredential: string, id: string, context?: RequestContext): Promise<RuntimeCredential> {
    return this.assumed.getCredential(baseUrl, adminCredential, id, context);
  }

  rotateCredential(baseUrl: string, adminCredential: string, id: string, rotation: { token: string; expiresAt?: string | null }, context?: RequestContext): Promise<RuntimeCredential> {
    return this.assumed.rotateCredential(baseUrl, adminCredential, id, rotation, context);
  }

  /** Suspends (billing restriction) or resumes a runtime credential on the target (assumed contract). */
  setCredentialSuspended(baseUrl: string, adminCredential: string, id: string, suspended: boolean, context?: RequestContext): Promise<RuntimeCredential> {
    return this.assumed.setCredentialSuspended(baseUrl, adminCredential, id, suspended, context);
  }

  revokeCredential(baseUrl: string, adminCredential: string, id: string, context?: RequestContext): Promise<RuntimeCredential> {
    return this.assumed.revokeCredential(baseUrl, adminCredential, id, context);
  }

  setNamespaceStatus(baseUrl: string, adminCredential: string, name: string, status: RuntimeNamespaceStatus, context?: RequestContext): Promise<unknown> {
    return this.assumed.setNamespaceStatus(baseUrl, adminCredential, name, status, context);
  }

  getReplication(baseUrl: string, adminCredential: string, namespace: string, context?: RequestContext): Promise<ReplicationStatus> {
    return this.assumed.getReplication(baseUrl, adminCredential, namespace, context);
  }

  setReplication(baseUrl: string, adminCredential: string, namespace: string, change: { role: ReplicationRole; epoch: number }, context?: RequestContext): Promise<ReplicationStatus> {
    return this.assumed.setReplication(baseUrl, adminCredential, namespace, change, context);
  }

  usagePage(baseUrl: string, adminCredential: string, page?: { after?: string | null; limit?: number }, context?: RequestContext): Promise<UsagePage> {
    return this.assumed.usagePage(baseUrl, adminCredential, page, context);
  }
}
