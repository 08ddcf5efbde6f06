import { VERSION_HEADER, call, useSimulator } from './support/sim-http';

describe('discovery: GET /api/cluster/info', () => {
  const sim = useSimulator({ serverId: 'sim-discovery', defaultNamespace: 'default' });

  it('returns every top-level manifest field', async () => {
    const res = await call(sim(), 'GET', '/api/cluster/info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      server_id: 'sim-discovery',
      version: '2.0.0',
      default_namespace: 'default',
      supported_sdk_versions: expect.any(Object),
      capabilities: {
        workflow_tasks: true,
        activity_tasks: true,
        signals: true,
        queries: true,
        updates: true,
        schedules: true,
        history_export: true,
        payload_codecs: expect.any(Array),
        response_compression: expect.any(Array),
      },
      worker_fleet: { namespace: 'default', active_workers: 0, queues: [], build_ids: [], workers: [] },
      task_repair: expect.any(Object),
      limits: {
        max_payload_bytes: 2_097_152,
        max_memo_bytes: 262_144,
        max_search_attributes: 100,
        max_pending_activities: 2000,
        max_pending_children: 2000,
      },
      structural_limits: expect.any(Object),
      client_compatibility: { authority: 'protocol_manifests', fail_closed: true, required_protocols: expect.any(Object) },
      control_plane: {
        version: 2,
        header: 'X-Durable-Workflow-Control-Plane-Version',
        request_contract: expect.any(Object),
        response_contract: expect.objectContaining({ schema: 'durable-workflow.v2.control-plane-response', version: 1 }),
      },
      worker_protocol: { version: expect.any(Number), server_capabilities: expect.any(Object) },
      topology: expect.objectContaining({ current_shape: expect.any(String) }),
      coordination_health: expect.objectContaining({ status: 'healthy' }),
      platform_protocol_specs: expect.objectContaining({ version: 14 }),
    });
  });

  it.each(['worker', 'operator', 'admin'] as const)('accepts the %s role without the version header', async (role) => {
    const res = await call(sim(), 'GET', '/api/cluster/info', { token: sim().tokens[role], version: null });
    expect(res.status).toBe(200);
    // Discovery is versionless: it does not echo the control-plane header.
    expect(res.headers.get(VERSION_HEADER)).toBeNull();
  });

  it('reports the worker fleet of the X-Namespace, even one that does not exist', async () => {
    const res = await call(sim(), 'GET', '/api/cluster/info', { namespace: 'Orders' });
    expect(res.status).toBe(200);
    expect(res.body.worker_fleet.namespace).toBe('orders');
  });

  it('refuses a missing or unknown token with 401 unauthorized', async () => {
    for (const token of [null, 'not-a-token']) {
      const res = await call(sim(), 'GET', '/api/cluster/info', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ reason: 'unauthorized', message: expect.any(String) });
    }
  });

  it('advertises control-plane version "3" under the wrong_protocol fault', async () => {
    sim().faults.wrongProtocol();
    const res = await call(sim(), 'GET', '/api/cluster/info');
    expect(res.body.control_plane.version).toBe(3);
    expect(res.body.version).toBe('2.0.0');
  });
});
