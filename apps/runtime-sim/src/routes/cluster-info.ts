import { FastifyInstance } from 'fastify';
import { RESPONSE_SCHEMA, RESPONSE_SCHEMA_VERSION } from '../http/control-plane-envelope';
import { RouteContext, guarded } from '../http/guard';
import { CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION, MAX_PAYLOAD_BYTES } from '../http/protocol';

const WORKER_PROTOCOL_VERSION = 1;
const SPECS_URL = 'https://durable-workflow.github.io/platform-protocol-specs/';

/**
 * The sections the published cluster-info envelope schema (durable-workflow.v2.cluster-info-envelope,
 * catalog version 14) requires besides the ones above; each manifest carries its own schema and version.
 * Contents are plausible stand-ins: Cloud reads only `control_plane.version`.
 */
const envelopeSections = (namespace: string): Record<string, unknown> => ({
  topology: { schema: 'durable-workflow.v2.topology', version: 1, supported_shapes: ['single_node', 'multi_node'], current_shape: 'single_node', roles: ['api', 'matching', 'history'] },
  coordination_health: { schema: 'durable-workflow.v2.coordination-health', version: 1, status: 'healthy', checks: { database: { status: 'ok' }, queue: { status: 'ok' }, namespace: { status: 'ok', namespace } } },
  surface_stability_contract: {
    schema: 'durable-workflow.v2.surface-stability.contract', version: 1, authority_url: `${SPECS_URL}surface-stability`,
    stability_levels: ['stable', 'beta', 'experimental'], release_rules: { stable: 'additive_minor_breaking_major' },
    field_visibility_rule: 'unknown_fields_ignored', surface_families: { control_plane: 'stable', worker_protocol: 'stable' }, release_check: { status: 'passed' },
  },
  platform_protocol_specs: {
    schema: 'durable-workflow.v2.platform-protocol-specs.catalog', version: 14, authority_url: SPECS_URL,
    formats: ['json-schema', 'openapi', 'asyncapi'], owner_repos: ['durable-workflow/server', 'durable-workflow/workflow'],
    status_levels: ['normative', 'informative'], evolution_rules: ['additive_minor_breaking_major'],
    specs: { cluster_info_envelope: { schema: 'durable-workflow.v2.cluster-info-envelope', status: 'normative' } }, release_check: { status: 'passed' },
  },
  platform_conformance_suite: {
    schema: 'durable-workflow.v2.platform-conformance.suite', version: 1, authority_doc: `${SPECS_URL}conformance`, surface_stability_authority: 'durable-workflow.v2.surface-stability.contract',
    result_schema: 'durable-workflow.v2.platform-conformance.result', result_version: 1, conformance_levels: ['core'], targets: ['server'],
    fixture_catalog: { fixtures: [] }, pass_fail_rules: { required: 'all' }, harness_contract: { version: 1 }, release_gates: ['core'],
  },
  auth_composition_contract: { schema: 'durable-workflow.v2.auth-composition.contract', version: 1, roles: ['admin', 'operator', 'worker'] },
  bridge_adapter_outcome_contract: { schema: 'durable-workflow.v2.bridge-adapter-outcome.contract', version: 1 },
  replay_verification_contract: { schema: 'durable-workflow.v2.replay-verification.contract', version: 1 },
});

/** The manifests Cloud decides compatibility from; only `control_plane.version` is authoritative. */
const controlPlaneManifest = (version: number): Record<string, unknown> => ({
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
          payload_codec_envelope_responses: true,
          bridge_adapter_outcome_contract: true,
          replay_verification_contract: true,
          external_executor_config_contract: false,
          invocable_carrier_contract: false,
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
        ...envelopeSections(namespace),
        control_plane: controlPlaneManifest(ctx.faults.current.wrongProtocol ? 3 : Number(CONTROL_PLANE_VERSION)),
        worker_protocol: {
          version: WORKER_PROTOCOL_VERSION,
          server_capabilities: { long_poll_timeout: 30, supported_workflow_task_commands: ['complete_workflow', 'fail_workflow', 'schedule_activity', 'start_timer'] },
        },
      },
    })),
  );
};
