import { randomUUID } from 'node:crypto';
import { FastifyInstance } from 'fastify';
import { SimHttpError, validationFailed } from '../http/errors';
import { GuardSpec, RouteContext, guarded } from '../http/guard';
import { JsonObject, Validator } from '../http/validator';
import { WorkflowRecord } from '../state/records';
import { commandResult, describe, instanceNotFound, namespaceDisabled, namespaceNotActive, runNotActive, summary } from './workflow-views';

/** How the simulated workflows answer queries and completed updates; tests may replace it. */
export interface WorkflowBehaviour {
  query(workflow: WorkflowRecord, name: string, input: unknown): unknown;
  update(workflow: WorkflowRecord, name: string, input: unknown): unknown;
}

export const defaultBehaviour: WorkflowBehaviour = {
  query: (w, name) => ({ query: name, status: w.status, signals: w.signals.map((s) => s.name), updates: w.updates.map((u) => u.name) }),
  update: (_w, name, input) => ({ update: name, input }),
};

const WORKFLOW_ID_PATTERN = /^[a-zA-Z0-9._:-]+$/;
const OPERATION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]{0,255}$/;

const spec = (operation: string): GuardSpec => ({
  roles: ['operator', 'admin'],
  versioned: true,
  requireNamespace: true,
  operation: (params) => ({ operation, operationName: params.name, workflowId: params.id }),
});

const decodePageToken = (token: string | undefined): number => {
  if (token === undefined || token === '') return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw validationFailed({ next_page_token: ['The next_page_token is invalid.'] });
  return offset;
};

const checkOperationName = (kind: string, name: string): void => {
  if (!OPERATION_NAME_PATTERN.test(name)) throw validationFailed({ [`${kind}_name`]: [`The ${kind} name format is invalid.`] });
};

export const registerWorkflows = (app: FastifyInstance, ctx: RouteContext, behaviour: WorkflowBehaviour): void => {
  const { state } = ctx;
  const found = (namespace: string, id: string): WorkflowRecord => {
    const workflow = state.getWorkflow(namespace, id);
    if (!workflow) throw instanceNotFound();
    return workflow;
  };
  const writable = (namespace: string): void => {
    if (state.namespaces.get(namespace)?.status === 'disabled') throw namespaceDisabled(namespace);
    if (!state.isWritable(namespace)) throw namespaceNotActive(state.replicationOf(namespace));
  };
  const running = (workflow: WorkflowRecord, command: string): void => {
    if (workflow.status !== 'running') throw runNotActive(workflow, command);
  };
  const inputOf = (body: JsonObject): unknown => {
    const v = new Validator(body);
    const input = v.arrayLike('input');
    v.done();
    return input ?? [];
  };

  app.get(
    '/api/workflows',
    guarded(ctx, spec('list'), ({ namespace, query }) => {
      const v = new Validator(query);
      const type = v.string('workflow_type');
      const status = v.oneOf('status', ['running', 'completed', 'failed'] as const);
      const pageSize = query.page_size === undefined ? 50 : Number(query.page_size);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) v.add('page_size', 'The page_size field must be an integer between 1 and 200.');
      v.done();
      const offset = decodePageToken(query.next_page_token);
      // Reversed first so that, within one millisecond, the later start still lists first.
      const matching = state
        .workflowsIn(namespace)
        .reverse()
        .filter((w) => (type === undefined || w.workflow_type === type) && (status === undefined || summary(w).status_bucket === status))
        .sort((a, b) => b.started_at.localeCompare(a.started_at));
      const page = matching.slice(offset, offset + pageSize);
      const hasMore = matching.length > offset + pageSize;
      return {
        status: 200,
        body: {
          workflows: page.map(summary),
          workflow_count: page.length,
          next_page_token: hasMore ? Buffer.from(String(offset + pageSize)).toString('base64url') : null,
        },
      };
    }),
  );

  app.post(
    '/api/workflows',
    guarded(ctx, spec('start'), ({ namespace, body }) => {
      writable(namespace);
      const v = new Validator(body);
      const workflowType = v.string('workflow_type', { required: true, max: 255 });
      const requestedId = v.string('workflow_id', { max: 128, pattern: WORKFLOW_ID_PATTERN });
      const taskQueue = v.string('task_queue', { max: 255 }) ?? 'default';
      const input = v.arrayLike('input') ?? [];
      const businessKey = v.string('business_key', { max: 255 }) ?? null;
      const memo = v.arrayLike('memo') ?? null;
      const policy = v.oneOf('duplicate_policy', ['fail', 'use-existing'] as const) ?? 'fail';
      // The v2 start API has no idempotency fields: dedup is by workflow id and duplicate_policy.
      v.forbid('idempotency_key', 'The idempotency_key field is not supported by the v2 workflow start API.');
      v.forbid('request_id', 'The request_id field is not supported by the v2 workflow start API.');
      v.done();

      const workflowId = requestedId ?? randomUUID();
      const existing = state.getWorkflow(namespace, workflowId);
      if (existing && existing.status === 'running') {
        const duplicate = {
          ...summary(existing),
          namespace,
          command_status: 'rejected' as const,
          reason: 'instance_already_started',
          rejection_reason: 'instance_already_started',
        };
        if (policy === 'use-existing') {
          return { status: 200, body: commandResult(existing, { ...duplicate, outcome: 'returned_existing_active', message: 'Returned the existing active run.' }) };
        }
        throw new SimHttpError(409, 'instance_already_started', `Workflow [${workflowId}] is already running.`, {
          ...commandResult(existing, { ...duplicate, outcome: 'rejected_duplicate' }),
        });
      }
      const created = state.putWorkflow({
        namespace,
        workflow_id: workflowId,
        run_id: randomUUID(),
        run_number: (existing?.run_number ?? 0) + 1,
        workflow_type: workflowType,
        task_queue: taskQueue,
        business_key: businessKey,
        input,
        memo,
        status: 'running',
        started_at: state.now(),
        closed_at: null,
        close_reason: null,
        result: null,
        signals: [],
        updates: [],
      });
      state.meter({ namespace, action_type: 'workflow_start' });
      return {
        status: 201,
        body: commandResult(created, { ...summary(created), namespace, outcome: 'started_new', command_status: 'accepted', message: 'Workflow started.' }),
      };
    }),
  );

  app.get('/api/workflows/:id', guarded(ctx, spec('describe'), ({ namespace, params }) => ({ status: 200, body: describe(found(namespace, params.id)) })));

  app.post(
    '/api/workflows/:id/signal/:name',
    guarded(ctx, spec('signal'), ({ namespace, params, body }) => {
      writable(namespace);
      checkOperationName('signal', params.name);
      const workflow = found(namespace, params.id);
      const input = inputOf(body);
      running(workflow, 'signal');
      state.putWorkflow({ ...workflow, signals: [...workflow.signals, { name: params.name, input, at: state.now() }] });
      state.meter({ namespace, action_type: 'signal' });
      return { status: 202, body: commandResult(workflow, { outcome: 'signal_received', command_status: 'accepted', signal_name: params.name }) };
    }),
  );

  app.post(
    '/api/workflows/:id/query/:name',
    guarded(ctx, spec('query'), ({ namespace, params, body }) => {
      checkOperationName('query', params.name);
      const workflow = found(namespace, params.id);
      const input = inputOf(body);
      // Completed runs still answer queries from their final state; other closed runs do not.
      if (workflow.status !== 'running' && workflow.status !== 'completed') throw runNotActive(workflow, 'query');
      state.meter({ namespace, action_type: 'query' });
      return {
        status: 200,
        body: { workflow_id: workflow.workflow_id, run_id: workflow.run_id, target_scope: 'instance', query_name: params.name, result: behaviour.query(workflow, params.name, input) },
      };
    }),
  );

  app.post(
    '/api/workflows/:id/update/:name',
    guarded(ctx, spec('update'), ({ namespace, params, body }) => {
      writable(namespace);
      checkOperationName('update', params.name);
      const workflow = found(namespace, params.id);
      const v = new Validator(body);
      const input = v.arrayLike('input') ?? [];
      const waitFor = v.oneOf('wait_for', ['accepted', 'completed'] as const) ?? 'accepted';
      v.integer('wait_timeout_seconds', { min: 1 });
      v.done();
      running(workflow, 'update');
      state.putWorkflow({ ...workflow, updates: [...workflow.updates, { name: params.name, input, at: state.now() }] });
      state.meter({ namespace, action_type: 'update' });
      const base = { command_status: 'accepted' as const, update_id: randomUUID(), update_name: params.name, wait_for: waitFor, wait_timed_out: false };
      if (waitFor === 'accepted') {
        return { status: 202, body: commandResult(workflow, { ...base, outcome: 'update_accepted', update_status: 'accepted' }) };
      }
      const result = behaviour.update(workflow, params.name, input);
      return { status: 200, body: commandResult(workflow, { ...base, outcome: 'update_completed', update_status: 'completed', result }) };
    }),
  );

  for (const command of ['cancel', 'terminate'] as const) {
    const closedAs = command === 'cancel' ? 'cancelled' : 'terminated';
    app.post(
      `/api/workflows/:id/${command}`,
      guarded(ctx, spec(command), ({ namespace, params, body }) => {
        writable(namespace);
        const workflow = found(namespace, params.id);
        const v = new Validator(body);
        const reason = v.string('reason', { max: 1000 }) ?? null;
        v.done();
        running(workflow, command);
        const closed = state.putWorkflow({ ...workflow, status: closedAs, closed_at: state.now(), close_reason: reason });
        return { status: 200, body: commandResult(closed, { outcome: closedAs, command_status: 'accepted', reason, status: closedAs }) };
      }),
    );
  }
};
