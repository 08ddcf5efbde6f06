import { createHash } from 'node:crypto';
import {
  CredentialRecord,
  NamespaceRecord,
  RecordedRequest,
  ReplicationRecord,
  UsageActionType,
  UsageRecord,
  WorkflowRecord,
  WorkflowStatus,
} from './records';

export interface UsageInput {
  readonly namespace: string;
  readonly action_type: UsageActionType;
  readonly quantity?: number;
  readonly window_start?: string;
  readonly window_end?: string;
}

export const sha256Hex = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The key that makes one workflow instance unique: ids are scoped per namespace. */
const workflowKey = (namespace: string, workflowId: string): string => `${namespace}\u0000${workflowId}`;

/**
 * The simulator's whole memory. Handlers mutate it; tests read it (and may seed or advance it, e.g.
 * complete a workflow) through the same methods.
 */
export class SimState {
  readonly namespaces = new Map<string, NamespaceRecord>();
  readonly workflows = new Map<string, WorkflowRecord>();
  readonly credentials = new Map<string, CredentialRecord>();
  readonly replication = new Map<string, ReplicationRecord>();
  readonly usage: UsageRecord[] = [];
  readonly requests: RecordedRequest[] = [];
  private usageSequence = 0;

  constructor(
    readonly serverId: string,
    readonly defaultNamespace: string,
    readonly clock: () => Date,
  ) {
    this.createNamespace({ name: defaultNamespace, description: 'Default namespace', retention_days: 30 });
  }

  now(): string {
    return this.clock().toISOString();
  }

  createNamespace(spec: { name: string; description: string | null; retention_days: number }): NamespaceRecord {
    const at = this.now();
    const record: NamespaceRecord = {
      ...spec,
      status: 'active',
      external_payload_storage: null,
      created_at: at,
      updated_at: at,
    };
    this.namespaces.set(spec.name, record);
    this.replication.set(spec.name, { namespace: spec.name, role: 'primary', epoch: 0, lag_seconds: 0 });
    return record;
  }

  getWorkflow(namespace: string, workflowId: string): WorkflowRecord | undefined {
    return this.workflows.get(workflowKey(namespace, workflowId));
  }

  putWorkflow(record: WorkflowRecord): WorkflowRecord {
    this.workflows.set(workflowKey(record.namespace, record.workflow_id), record);
    return record;
  }

  /** Moves a running workflow to a terminal status; tests use it to play the worker's part. */
  closeWorkflow(namespace: string, workflowId: string, status: Exclude<WorkflowStatus, 'running'>, result?: unknown): WorkflowRecord {
    const current = this.getWorkflow(namespace, workflowId);
    if (!current) throw new Error(`no workflow ${workflowId} in namespace ${namespace}`);
    return this.putWorkflow({ ...current, status, closed_at: this.now(), result: result ?? current.result });
  }

  workflowsIn(namespace: string): WorkflowRecord[] {
    return [...this.workflows.values()].filter((w) => w.namespace === namespace);
  }

  replicationOf(namespace: string): ReplicationRecord {
    const record = this.replication.get(namespace);
    if (!record) throw new Error(`no replication state for namespace ${namespace}`);
    return record;
  }

  /** True while the namespace may take workflow writes on this target (the failover fence). */
  isWritable(namespace: string): boolean {
    return this.replicationOf(namespace).role === 'primary';
  }

  meter(input: UsageInput): UsageRecord {
    const sequence = ++this.usageSequence;
    // Meters are per-minute windows, like a runtime that aggregates before publishing.
    const start = new Date(Math.floor(this.clock().getTime() / 60_000) * 60_000);
    const record: UsageRecord = {
      sequence,
      record_id: `${this.serverId}:${sequence}`,
      namespace: input.namespace,
      action_type: input.action_type,
      quantity: input.quantity ?? 1,
      window_start: input.window_start ?? start.toISOString(),
      window_end: input.window_end ?? new Date(start.getTime() + 60_000).toISOString(),
    };
    this.usage.push(record);
    return record;
  }

  findCredentialByToken(token: string): CredentialRecord | undefined {
    const hash = sha256Hex(token);
    return [...this.credentials.values()].find((c) => c.token_hash === hash);
  }
}
