import { OrganizationsController } from '../operator/organizations.controller';
import { documentRoutes } from '../openapi/operations';
import { bool, dateTime, int, named, nullable, obj, page, str, versioned } from '../openapi/schema';
import { EnvironmentsController } from './environments.controller';
import { NamespacesController } from './namespaces.controller';
import { ProjectsController } from './projects.controller';

const Organization = named('Organization', obj({
  id: str('org_…'), name: str(), created_at: dateTime(),
  billing_restriction: obj({ restricted: bool(), reason: nullable(str()) }),
}));

const BootstrappedOrganization = named('BootstrappedOrganization', obj({
  organization: obj({ id: str('org_…'), name: str() }),
  owner: obj({ id: str('usr_…'), email: str() }),
  api_key: obj({
    id: str('key_…'),
    token: str('the owner\'s first dwc_ key, shown once (a replayed answer carries "shown once; not replayable")'),
    token_prefix: str(),
  }),
}));

const Project = named('Project', obj({
  id: str('prj_…'), name: str('DNS label, unique in the organization'), description: str(),
  created_at: dateTime(), updated_at: dateTime(), ...versioned,
}));

const Environment = named('Environment', obj({
  id: str('env_…'), name: str(), project: str('the project\'s name'), description: str(),
  created_at: dateTime(), updated_at: dateTime(), ...versioned,
}));

export const RuntimeTargetSummary = named('RuntimeTargetSummary', obj({ id: str('rt_…'), base_url: str(), region: str(), provider: str() }));
export const Provisioning = named('Provisioning', obj({
  status: str('pending, provisioning, provisioned or failed'), detail: nullable(str()),
}));

export const Namespace = named('Namespace', obj({
  id: str('ns_…'), name: str('DNS label, unique in the organization'), project: str(), environment: str(), description: str(),
  state: str('active or deleted'),
  active_runtime_target: nullable(RuntimeTargetSummary),
  runtime_namespace: nullable(str('the namespace\'s name on its runtime target')),
  provisioning: nullable(Provisioning),
  replication: nullable(named('NamespaceReplicationSummary', obj({
    state: str('healthy, failover_in_progress, failed_over or failback_in_progress'),
    current_primary: obj({ id: str('rt_…') }),
    home_primary: obj({ id: str('rt_…'), region: str() }),
    secondary: obj({ id: str('rt_…'), region: str() }),
    secondary_region: str(), automatic_failover: bool(), epoch: int('grows with every switch'),
    last_failover_at: nullable(str()), last_failback_at: nullable(str()),
  }))),
  created_at: dateTime(), updated_at: dateTime(), ...versioned,
}));

documentRoutes(OrganizationsController, {
  create: { summary: 'Create an organization with its owner and the owner\'s first API key', returns: BootstrappedOrganization },
  list: { summary: 'List organizations', returns: page('organizations', Organization) },
  get: { summary: 'Get an organization', returns: Organization },
  restrict: { summary: 'Set or lift an organization\'s billing restriction', returns: Organization },
});

documentRoutes(ProjectsController, {
  create: { summary: 'Create a project', returns: Project },
  list: { summary: 'List the projects the caller may see', returns: page('projects', Project) },
  get: { summary: 'Get a project', returns: Project },
  update: { summary: 'Change a project\'s description', returns: Project },
});

documentRoutes(EnvironmentsController, {
  create: { summary: 'Create an environment in a project', returns: Environment },
  list: { summary: 'List a project\'s environments', returns: page('environments', Environment) },
  get: { summary: 'Get an environment', returns: Environment },
  update: { summary: 'Change an environment\'s description', returns: Environment },
});

documentRoutes(NamespacesController, {
  create: {
    summary: 'Create a namespace (optionally placed on a runtime target)', returns: Namespace, problems: [502, 504],
    also: [{ status: 202, description: 'Created; provisioning on the runtime target goes on in its process (provisioning.status)', schema: Namespace }],
  },
  listInEnvironment: { summary: 'List an environment\'s namespaces', returns: page('namespaces', Namespace) },
  list: { summary: 'List the namespaces the caller may see', returns: page('namespaces', Namespace) },
  get: { summary: 'Get a namespace', returns: Namespace },
  update: { summary: 'Change a namespace\'s description', returns: Namespace },
  delete: {
    summary: 'Delete a namespace (its runtime credentials revoked, runtime namespace disabled and released, bindings deleted)', returns: null,
    also: [{ status: 202, description: 'Deleted; the namespace-deletion process goes on past the wait (no body)' }],
  },
});
