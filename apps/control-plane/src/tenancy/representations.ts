import { etagFor } from '../http/consistency';

const iso = (value: Date | string) => new Date(value).toISOString();

export interface ProjectRow { id: string; name: string; description: string; created_at: Date | string; updated_at: Date | string; resource_version: bigint | string }
export interface EnvironmentRow extends ProjectRow { project: string }
export interface NamespaceRow extends EnvironmentRow { environment: string; state: string }

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

/** `active_runtime_target` and `replication` are filled once placement and replication exist for the namespace. */
export const namespaceRepresentation = (row: NamespaceRow) => ({
  id: row.id, name: row.name, project: row.project, environment: row.environment, description: row.description,
  state: row.state, active_runtime_target: null, replication: null,
  created_at: iso(row.created_at), updated_at: iso(row.updated_at),
  resource_version: String(row.resource_version), etag: etagFor(row.resource_version),
});
