import { call, useSimulator } from './support/sim-http';

const ENVELOPE = 'durable-workflow.v2.control-plane-response';

describe('workflows', () => {
  const sim = useSimulator();
  const start = (body: Record<string, unknown>, namespace?: string) => call(sim(), 'POST', '/api/workflows', { body, namespace });

  it('starts a workflow: 201 started_new with the command fields and envelope', async () => {
    const res = await start({ workflow_type: 'orders.checkout', workflow_id: 'wf-1', input: [1] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      outcome: 'started_new',
      workflow_id: 'wf-1',
      run_id: expect.any(String),
      command_id: expect.any(String),
      command_status: 'accepted',
      command_source: 'control_plane',
      target_scope: 'instance',
      reason: null,
      rejection_reason: null,
      namespace: 'default',
      control_plane: { schema: ENVELOPE, version: 1, operation: 'start', workflow_id: 'wf-1', outcome: 'started_new' },
    });
  });

  it('applies duplicate_policy: 409 rejected_duplicate by default, 200 returned_existing_active with use-existing', async () => {
    const first = await start({ workflow_type: 't', workflow_id: 'dup' });
    const rejected = await start({ workflow_type: 't', workflow_id: 'dup' });
    expect(rejected.status).toBe(409);
    expect(rejected.body).toMatchObject({
      outcome: 'rejected_duplicate',
      command_status: 'rejected',
      rejection_reason: 'instance_already_started',
      run_id: first.body.run_id,
    });
    const existing = await start({ workflow_type: 't', workflow_id: 'dup', duplicate_policy: 'use-existing' });
    expect(existing.status).toBe(200);
    expect(existing.body).toMatchObject({ outcome: 'returned_existing_active', run_id: first.body.run_id });
  });

  it('rejects idempotency_key and request_id on start with 422', async () => {
    const res = await start({ workflow_type: 't', idempotency_key: 'k', request_id: 'r' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['idempotency_key', 'request_id']);
    expect(res.body.control_plane.operation).toBe('start');
  });

  it('lists workflows of the namespace, newest first, with paging', async () => {
    for (const id of ['a', 'b', 'c']) await start({ workflow_type: 't', workflow_id: id });
    await call(sim(), 'POST', '/api/namespaces', { token: sim().tokens.admin, body: { name: 'other' } });
    await start({ workflow_type: 't', workflow_id: 'elsewhere' }, 'other');

    const page1 = await call(sim(), 'GET', '/api/workflows?page_size=2');
    expect(page1.status).toBe(200);
    expect(page1.body.workflow_count).toBe(2);
    expect(page1.body.next_page_token).toEqual(expect.any(String));
    const page2 = await call(sim(), 'GET', `/api/workflows?page_size=2&next_page_token=${page1.body.next_page_token}`);
    expect(page2.body.workflow_count).toBe(1);
    expect(page2.body.next_page_token).toBeNull();
    const ids = [...page1.body.workflows, ...page2.body.workflows].map((w: { workflow_id: string }) => w.workflow_id);
    expect(ids).toEqual(['c', 'b', 'a']);
  });

  it('describes a workflow, and answers 404 instance_not_found for an unknown one', async () => {
    await start({ workflow_type: 't', workflow_id: 'wf' });
    const found = await call(sim(), 'GET', '/api/workflows/wf');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ workflow_id: 'wf', status: 'running', control_plane: { operation: 'describe' } });
    const missing = await call(sim(), 'GET', '/api/workflows/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'instance_not_found', control_plane: { operation: 'describe', workflow_id: 'nope' } });
  });

  it('signals (202), queries (200 {result}) and updates (202 accepted / 200 completed)', async () => {
    await start({ workflow_type: 't', workflow_id: 'wf' });
    const signal = await call(sim(), 'POST', '/api/workflows/wf/signal/approve', { body: { input: ['yes'] } });
    expect(signal.status).toBe(202);
    expect(signal.body).toMatchObject({ outcome: 'signal_received', command_status: 'accepted', control_plane: { operation: 'signal', operation_name: 'approve', operation_name_field: 'signal_name' } });

    const query = await call(sim(), 'POST', '/api/workflows/wf/query/state', { body: { input: [] } });
    expect(query.status).toBe(200);
    expect(query.body.result).toMatchObject({ status: 'running', signals: ['approve'] });

    const accepted = await call(sim(), 'POST', '/api/workflows/wf/update/rename', { body: { input: ['n'] } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ outcome: 'update_accepted', update_status: 'accepted', wait_for: 'accepted' });
    const completed = await call(sim(), 'POST', '/api/workflows/wf/update/rename', { body: { input: ['n'], wait_for: 'completed' } });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ outcome: 'update_completed', update_status: 'completed', result: expect.anything() });
  });

  it('cancels and terminates (200), then rejects commands on the closed run with 409', async () => {
    await start({ workflow_type: 't', workflow_id: 'c' });
    await start({ workflow_type: 't', workflow_id: 't' });
    const cancelled = await call(sim(), 'POST', '/api/workflows/c/cancel', { body: { reason: 'user asked' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ outcome: 'cancelled', command_status: 'accepted' });
    const terminated = await call(sim(), 'POST', '/api/workflows/t/terminate');
    expect(terminated.status).toBe(200);
    expect(terminated.body.outcome).toBe('terminated');

    for (const path of ['/api/workflows/c/cancel', '/api/workflows/t/terminate', '/api/workflows/c/signal/s']) {
      const again = await call(sim(), 'POST', path, { body: {} });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ outcome: 'rejected_not_active', command_status: 'rejected', rejection_reason: 'run_not_active' });
    }
  });

  it('starts a new run when the previous run of the id is closed', async () => {
    const first = await start({ workflow_type: 't', workflow_id: 'again' });
    sim().state.closeWorkflow('default', 'again', 'completed', { ok: true });
    const second = await start({ workflow_type: 't', workflow_id: 'again' });
    expect(second.status).toBe(201);
    expect(second.body.run_id).not.toBe(first.body.run_id);
  });

  it('keeps workflow commands for operator and admin: worker gets 403', async () => {
    const res = await call(sim(), 'POST', '/api/workflows', { token: sim().tokens.worker, body: { workflow_type: 't' } });
    expect(res.status).toBe(403);
    expect((await call(sim(), 'POST', '/api/workflows', { token: sim().tokens.admin, body: { workflow_type: 't' } })).status).toBe(201);
  });
});
