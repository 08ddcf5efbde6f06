import { ConnectivityController } from '../connectivity/connectivity.controller';
import { documentRoutes } from '../openapi/operations';
import { dateTime, named, nullable, obj, oneOf, page, str, arr, anyObject } from '../openapi/schema';
import { OperatorRuntimeTargetsController } from '../runtime-targets/operator-runtime-targets.controller';
import { RuntimeTargetsController } from '../runtime-targets/runtime-targets.controller';
import { Namespace, Provisioning, RuntimeTargetSummary } from '../tenancy/tenancy.openapi';
import { PlacementController } from './placement.controller';

/** The placement context's routes, documented beside its module (the controllers stay as they are). */

const runtimeTargetFields = {
  id: str('rt_…'), name: str(), base_url: str(), region: str(), provider: str(),
  owner: oneOf('platform', 'organization'), server_id: str(), server_version: nullable(str()), ingest_token_prefix: str(),
  health: obj({ status: str('unknown, ready or unready'), checked_at: nullable(dateTime()), detail: nullable(str()) }),
  registered_at: dateTime(),
};
const RuntimeTarget = named('RuntimeTarget', obj(runtimeTargetFields));
const RegisteredRuntimeTarget = named('RegisteredRuntimeTarget', obj({
  ...runtimeTargetFields, ingest_token: str('the dwi_ ingest token for POST /api/v1/usage-records, shown once'),
}));

const Migration = named('Migration', obj({
  namespace: str(), from_runtime_target_id: str(), to_runtime_target_id: str(), runtime_namespace: str(), reason: str(),
  in_flight_runs: str('where runs started before the migration finish: on the old target'), migrated_at: dateTime(),
  active_runtime_target: nullable(RuntimeTargetSummary), provisioning: nullable(Provisioning),
}));

const Placement = named('Placement', obj({
  runtime_target_id: str(), runtime_namespace: str(), assigned_at: dateTime(), unassigned_at: nullable(dateTime()),
  migration_reason: nullable(str()), provisioning: Provisioning,
}));

const Connection = named('Connection', obj({
  runtime_base_url: str(), runtime_namespace: str(), region: str(),
  headers: anyObject('headers a worker sends to the runtime target (X-Namespace, the control-plane version)'),
  runtime_target_id: str(), provider: str(), provisioning: obj({ status: str() }),
}));

const IssuedRuntimeCredential = named('IssuedRuntimeCredential', obj({
  id: str('rcr_…'), name: str(), role: oneOf('client', 'worker'), token: str('the dwr_ credential, shown once'), token_prefix: str(),
  runtime_target_id: str(), runtime_namespace: str(),
}));
const RuntimeCredential = named('RuntimeCredential', obj({
  id: str('rcr_…'), name: str(), role: oneOf('client', 'worker'), token_prefix: str(), state: str('active or revoked'),
  runtime_target_id: str(), runtime_namespace: str(), issued_at: dateTime(), rotated_at: nullable(dateTime()), revoked_at: nullable(dateTime()),
}));
const RotatedRuntimeCredential = named('RotatedRuntimeCredential', obj({ id: str(), token: str('the new dwr_ credential, shown once'), token_prefix: str() }));

const RUNTIME = [502, 504];

documentRoutes(RuntimeTargetsController, {
  register: { summary: 'Register the organization\'s own runtime target (verified through its cluster info first)', returns: RegisteredRuntimeTarget, problems: RUNTIME },
  list: { summary: 'List the runtime targets the organization may use (its own and the platform\'s)', returns: page('runtime_targets', RuntimeTarget) },
  get: { summary: 'Get a runtime target', returns: RuntimeTarget },
});

documentRoutes(OperatorRuntimeTargetsController, {
  register: { summary: 'Register a platform runtime target', returns: RegisteredRuntimeTarget, problems: RUNTIME },
  list: { summary: 'List every runtime target', returns: page('runtime_targets', RuntimeTarget) },
  get: { summary: 'Get a runtime target', returns: RuntimeTarget },
});

documentRoutes(PlacementController, {
  assign: {
    summary: 'Assign the namespace to a runtime target and provision it there', returns: Namespace, problems: RUNTIME,
    also: [{ status: 202, description: 'Assigned; the target has not answered yet and the provisioning process goes on', schema: Namespace }],
  },
  migrate: {
    summary: 'Migrate the namespace to another runtime target', returns: Migration, problems: RUNTIME,
    also: [{ status: 202, description: 'Migrated; provisioning on the new target goes on in its process', schema: Migration }],
  },
  history: { summary: 'Every target that served the namespace, newest first', returns: obj({ placements: arr(Placement) }) },
});

documentRoutes(ConnectivityController, {
  connection: { summary: 'How a worker connects to the namespace\'s runtime target directly', returns: Connection },
  issue: { summary: 'Issue a namespace-scoped dwr_ runtime credential on the target (shown once)', returns: IssuedRuntimeCredential, problems: RUNTIME },
  list: { summary: 'List the namespace\'s runtime credentials', returns: page('runtime_credentials', RuntimeCredential) },
  rotate: { summary: 'Rotate a runtime credential', returns: RotatedRuntimeCredential, problems: RUNTIME },
  revoke: { summary: 'Revoke a runtime credential on the target', returns: null, problems: RUNTIME },
});
