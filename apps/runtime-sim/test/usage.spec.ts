import { call, useSimulator } from './support/sim-http';

describe('usage meters (assumed contract)', () => {
  const sim = useSimulator();
  const page = (query = '') => call(sim(), 'GET', `/api/system/usage${query}`, { token: sim().tokens.admin });

  it('meters the simulator’s own actions', async () => {
    await call(sim(), 'POST', '/api/workflows', { body: { workflow_type: 't', workflow_id: 'wf' } });
    await call(sim(), 'POST', '/api/workflows/wf/signal/s', { body: {} });
    await call(sim(), 'POST', '/api/workflows/wf/query/q', { body: {} });
    await call(sim(), 'POST', '/api/workflows/wf/update/u', { body: {} });
    // A rejected duplicate start is not billable.
    await call(sim(), 'POST', '/api/workflows', { body: { workflow_type: 't', workflow_id: 'wf' } });

    const res = await page();
    expect(res.status).toBe(200);
    expect(res.body.records.map((r: { action_type: string }) => r.action_type)).toEqual(['workflow_start', 'signal', 'query', 'update']);
    expect(res.body.records[0]).toEqual({
      record_id: expect.any(String),
      namespace: 'default',
      action_type: 'workflow_start',
      quantity: 1,
      window_start: expect.any(String),
      window_end: expect.any(String),
    });
  });

  it('pages with after/limit and a cursor that is stable when there is nothing new', async () => {
    for (let i = 0; i < 5; i++) sim().pushUsage({ namespace: 'default', action_type: 'timer_fire', quantity: i + 1 });
    const first = await page('?limit=2');
    expect(first.body.records.map((r: { quantity: number }) => r.quantity)).toEqual([1, 2]);
    const second = await page(`?after=${first.body.next_cursor}&limit=10`);
    expect(second.body.records.map((r: { quantity: number }) => r.quantity)).toEqual([3, 4, 5]);
    const empty = await page(`?after=${second.body.next_cursor}`);
    expect(empty.body.records).toEqual([]);
    expect(empty.body.next_cursor).toBe(second.body.next_cursor);
    const ids = [...first.body.records, ...second.body.records].map((r: { record_id: string }) => r.record_id);
    expect(new Set(ids).size).toBe(5);
  });

  it('validates the cursor and limit, and needs admin', async () => {
    const invalid = await page('?after=abc&limit=0');
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.errors).sort()).toEqual(['after', 'limit']);
    expect((await call(sim(), 'GET', '/api/system/usage')).status).toBe(403);
  });
});
