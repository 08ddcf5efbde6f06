import { forwardedQuery, runtimePathOf } from './runtime-path';

const at = (rest: string) => runtimePathOf(`/api/v1/namespaces/orders/runtime/${rest}`, 'orders');

describe('runtimePathOf', () => {
  it('maps the workflow API under runtime/ to /api/workflows…', () => {
    expect(at('workflows')).toEqual({ ok: true, path: '/api/workflows' });
    expect(at('workflows/wf-1/signal/approve?x=1')).toEqual({ ok: true, path: '/api/workflows/wf-1/signal/approve' });
    expect(at('workflows/order%3A42')).toEqual({ ok: true, path: '/api/workflows/order%3A42' });
  });

  it.each(['namespaces', 'system/usage', 'runtime-credentials/x', 'cluster/info', 'workflowsx', '', 'workflows/../namespaces',
    'workflows/%2e%2e/namespaces', 'workflows//x', 'workflows/a%2Fb', 'workflows/%zz'])('refuses %j', (rest) => {
    expect(at(rest).ok).toBe(false);
  });
});

describe('forwardedQuery', () => {
  it('keeps one value per name and drops namespace', () => {
    expect(forwardedQuery({ page_size: '5', status: ['running', 'failed'], namespace: 'other' })).toEqual({ page_size: '5', status: 'running' });
  });
});
