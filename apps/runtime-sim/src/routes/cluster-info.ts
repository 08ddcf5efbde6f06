import { FastifyInstance } from 'fastify';
import { RESPONSE_SCHEMA, RESPONSE_SCHEMA_VERSION } from '../http/control-plane-envelope';
import { RouteContext, guarded } from '../http/guard';
import { CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION, MAX_PAYLOAD_BYTES } from '../http/protocol';

const WORKER_PROTOCOL_VERSION = '1.15';

/** The manifests Cloud decides compatibility from; only `control_plane.version` is authoritative. */
const controlPlaneManifest = (version: string): Record<string, unknown> => ({
  version,
  header: CONTROL_PLANE_HEADER,
  request_contract: {
    schema: 'durable-workflow.v2.control-plane-request.contract',
    version: 1,
    operations: {
      start: { fields: ['workflow_type', 'workflow_id', 'task_queue', 'input', 'business_key', 'memo', 'duplicate_policy'], rejected_fields: ['idempotency_key', 'request_id'] },
      signal: { fields: ['input'] },
      query: { fields: ['input'] },
      update: { fields: ['input', 'wait_for'] },
      cancel: { fields: ['reason'] },
      terminate: { fields: ['reason'] },
    },
  },
  response_contract: {
    schema: RESPONSE_SCHEMA,
    version: RESPONSE_SCHEMA_VERSION,
    operations: ['list', 'start', 'describe', 'signal', 'query', 'update', 'cancel', 'terminate'],
  },
});

export const registerClusterInfo = (app: FastifyInstance, ctx: RouteContext, serverVersion: string): void => {
  // Discovery: any role, no version header needed, and the namespace need not exist.
  const spec = { roles: ['worker', 'operator', 'admin'], versioned: false, requireNamespace: false } as const;
  app.get(
    '/api/cluster/info',
    guarded(ctx, spec, ({ namespace }) => ({
      status: 200,
      body: {
        server_id: ctx.state.serverId,
        version: serverVersion,
        default_namespace: ctx.state.defaultNamespace,
        supported_sdk_versions: { php: '>=1.0', python: '>=0.2,<1.0', cli: '>=0.1,<1.0' },
        capabilities: {
          workflow_tasks: true,
          activity_tasks: true,
          signals: true,
          queries: true,
          updates: true,
          schedules: true,
          search_attributes: true,
          history_export: true,
          payload_codec_envelope: true,
          payload_codecs: ['avro', 'json'],
          response_compression: ['gzip', 'deflate'],
        },
        worker_fleet: { namespace, active_workers: 0, active_worker_scopes: [], queues: [], build_ids: [], workers: [] },
        task_repair: { policy: { enabled: true, scan_limit: 100 }, candidates: { total: 0 } },
        limits: {
          max_payload_bytes: MAX_PAYLOAD_BYTES,
          max_memo_bytes: 262_144,
          max_search_attributes: 100,
          max_pending_activities: 2000,
          max_pending_children: 2000,
        },
        structural_limits: { max_history_events: 51_200, max_history_bytes: 52_428_800 },
        client_compatibility: {
          authority: 'protocol_manifests',
          fail_closed: true,
          required_protocols: {
            control_plane: { version: CONTROL_PLANE_VERSION, header: CONTROL_PLANE_HEADER },
            worker_protocol: { version: WORKER_PROTOCOL_VERSION },
          },
        },
        control_plane: controlPlaneManifest(ctx.faults.current.wrongProtocol ? '3' : CONTROL_PLANE_VERSION),
        worker_protocol: {
          version: WORKER_PROTOCOL_VERSION,
          server_capabilities: { long_poll_timeout: 30, supported_workflow_task_commands: ['complete_workflow', 'fail_workflow', 'schedule_activity', 'start_timer'] },
        },
      },
    })),
  );
};
