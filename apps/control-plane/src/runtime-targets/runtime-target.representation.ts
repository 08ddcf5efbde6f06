import { RuntimeTargetRow } from './runtime-target.queries';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** What clients see of a target: never its credential, nor the ingest token or its hash. */
export const runtimeTargetRepresentation = (row: RuntimeTargetRow) => ({
  id: row.id,
  name: row.name,
  base_url: row.base_url,
  region: row.region,
  provider: row.provider,
  owner: row.organization_id === null ? 'platform' : 'organization',
  server_id: row.server_id,
  server_version: row.server_version,
  ingest_token_prefix: row.ingest_token_prefix,
  health: { status: row.health_status, checked_at: iso(row.health_checked_at), detail: row.health_detail },
  registered_at: iso(row.registered_at),
});
