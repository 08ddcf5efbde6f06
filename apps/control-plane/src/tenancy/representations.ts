import { Selectable } from 'kysely';
import { EnvironmentsTable } from '../../../../projections/environments/environments.projector';
import { NamespacesTable } from '../../../../projections/namespaces/namespaces.projector';
import { ProjectsTable } from '../../../../projections/projects/projects.projector';
import { etagFor } from '../http/consistency';
import { PlacementSummary } from '../placement/placement-summary';

const iso = (value: Date | string) => new Date(value).toISOString();

/** Rows as the projectors declare their tables; a namespace as listed also carries its active placement. */
export type ProjectRow = Selectable<ProjectsTable>;
export type EnvironmentRow = Selectable<EnvironmentsTable>;
export type NamespaceRow = Selectable<NamespacesTable> & { placement?: PlacementSummary | null; replication?: object | null };

export const projectRepresentation = (row: ProjectRow) => ({
  id: row.id, name: row.name, description: row.description,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
  resource_version: String(row.resource_version), etag: etagFor(row.resource_version),
});

export const environmentRepresentation = (row: EnvironmentRow) => ({
  id: row.id, name: row.name, project: row.project, description: row.description,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
  resource_version: String(row.resource_version), etag: etagFor(row.resource_version),
});

/** `active_runtime_target` (with `runtime_namespace` and `provisioning`) once the namespace is placed; `replication` once it is enrolled. */
export const namespaceRepresentation = (row: NamespaceRow) => ({
  id: row.id, name: row.name, project: row.project, environment: row.environment, description: row.description,
  state: row.state, active_runtime_target: row.placement?.runtime_target ?? null,
  runtime_namespace: row.placement?.runtime_namespace ?? null, provisioning: row.placement?.provisioning ?? null, replication: row.replication ?? null,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
  resource_version: String(row.resource_version), etag: etagFor(row.resource_version),
});
