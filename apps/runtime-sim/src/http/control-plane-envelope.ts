/** The nested `control_plane` object the server attaches to every workflow operation response. */

export const RESPONSE_SCHEMA = 'durable-workflow.v2.control-plane-response';
export const RESPONSE_SCHEMA_VERSION = 1;

export interface OperationRef {
  readonly operation: string;
  /** The signal, query or update name. */
  readonly operationName?: string;
  readonly workflowId?: string;
}

const OPERATION_NAME_FIELDS: Readonly<Record<string, string>> = { signal: 'signal_name', query: 'query_name', update: 'update_name' };

/** Top-level fields the envelope repeats, so a client can read one object whatever the operation. */
const PROJECTED_FIELDS: readonly string[] = [
  'run_id', 'workflow_type', 'namespace', 'business_key', 'status', 'status_bucket', 'is_terminal', 'task_queue',
  'run_number', 'run_count', 'workflow_count', 'is_current_run', 'started_at', 'closed_at', 'next_page_token',
  'command_id', 'command_status', 'command_source', 'target_scope', 'outcome', 'reason', 'rejection_reason',
  'validation_errors', 'result', 'update_id', 'update_status', 'wait_for', 'wait_timed_out', 'message',
];

export const withControlPlane = (ref: OperationRef, payload: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const body: Record<string, unknown> = { ...payload };
  if (ref.workflowId !== undefined && !('workflow_id' in body)) body.workflow_id = ref.workflowId;
  const envelope: Record<string, unknown> = {
    schema: RESPONSE_SCHEMA,
    version: RESPONSE_SCHEMA_VERSION,
    operation: ref.operation,
    workflow_id: body.workflow_id ?? null,
  };
  const nameField = OPERATION_NAME_FIELDS[ref.operation];
  if (nameField && ref.operationName) {
    envelope.operation_name = ref.operationName;
    envelope.operation_name_field = nameField;
  }
  for (const field of PROJECTED_FIELDS) if (field in body) envelope[field] = body[field];
  body.control_plane = envelope;
  return body;
};
