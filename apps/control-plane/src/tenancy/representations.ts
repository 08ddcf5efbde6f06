import { etagFor } from '../http/consistency';
import { PlacementSummary } from '../placement/placement-summary';

const iso = (value: Date | string) => new Date(value).toISOString();

export interface ProjectRow { id: string; name: string; description: string; created_at: Date | string; updated_at: Date | string; resource_version: bigint | string }
export interface EnvironmentRow extends ProjectRow { project: string }
export interface NamespaceRow extends EnvironmentRow { environment: string; state: string; placement?: PlacementSummary | null }

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
  runtime_namespace: row.placement?.runtime_namespace ?? null, provisioning: row.placement?.provisioning ?? null, replication: null,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
  resource_version: String(row.resource_version), etag: etagFor(row.resource_version),
});
