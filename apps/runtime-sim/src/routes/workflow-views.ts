import { randomUUID } from 'node:crypto';
import { SimHttpError } from '../http/errors';
import { ReplicationRecord, WorkflowRecord, WorkflowStatus } from '../state/records';

export const statusBucket = (status: WorkflowStatus): 'running' | 'completed' | 'failed' =>
  status === 'running' || status === 'completed' ? status : 'failed';

export const summary = (w: WorkflowRecord): Record<string, unknown> => ({
  workflow_id: w.workflow_id,
  run_id: w.run_id,
  workflow_type: w.workflow_type,
  business_key: w.business_key,
  status: w.status,
  status_bucket: statusBucket(w.status),
  task_queue: w.task_queue,
  is_terminal: w.status !== 'running',
  started_at: w.started_at,
  closed_at: w.closed_at,
});

export const describe = (w: WorkflowRecord): Record<string, unknown> => ({
  ...summary(w),
  namespace: w.namespace,
  run_number: w.run_number,
  run_count: w.run_number,
  is_current_run: true,
  input: w.input,
  memo: w.memo,
  result: w.result,
  close_reason: w.close_reason,
  signal_count: w.signals.length,
  update_count: w.updates.length,
});

type CommandFields = {
  readonly outcome: string;
  readonly command_status: 'accepted' | 'rejected';
  readonly reason?: string | null;
  readonly rejection_reason?: string | null;
  readonly message?: string;
} & Readonly<Record<string, unknown>>;

/** The fields every command response carries, whatever the command. */
export const commandResult = (w: Pick<WorkflowRecord, 'workflow_id' | 'run_id'>, fields: CommandFields): Record<string, unknown> => ({
  workflow_id: w.workflow_id,
  run_id: w.run_id,
  command_id: randomUUID(),
  command_source: 'control_plane',
  target_scope: 'instance',
  reason: null,
  rejection_reason: null,
  ...fields,
});

export const instanceNotFound = (): SimHttpError => new SimHttpError(404, 'instance_not_found', 'Workflow not found.');

/** A command aimed at a closed run is recorded as rejected and answered 409. */
export const runNotActive = (w: WorkflowRecord, command: string): SimHttpError =>
  new SimHttpError(409, 'run_not_active', `Workflow ${command} rejected: run [${w.run_id}] is ${w.status}.`, {
    ...commandResult(w, { outcome: 'rejected_not_active', command_status: 'rejected', rejection_reason: 'run_not_active' }),
    reason: 'run_not_active',
    run_status: w.status,
  });

/** The runtime-side failover fence: a secondary namespace takes no workflow writes. */
/** Assumed, like the status field: a disabled namespace refuses writes. */
export const namespaceDisabled = (namespace: string): SimHttpError =>
  new SimHttpError(409, 'namespace_disabled', `Namespace '${namespace}' is disabled on this target.`, { namespace });

export const namespaceNotActive = (replication: ReplicationRecord): SimHttpError =>
  new SimHttpError(409, 'namespace_not_active', `Namespace '${replication.namespace}' is a replication secondary on this target; writes go to the primary.`, {
    namespace: replication.namespace,
    replication_role: replication.role,
    epoch: replication.epoch,
  });
