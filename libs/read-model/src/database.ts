import { ColumnType, Generated } from 'kysely';
import { ApiKeyCredentialsTable, ApiKeysTable } from '../../../projections/api-keys/api-keys.projector';
import { EnvironmentsTable } from '../../../projections/environments/environments.projector';
import { MembersTable } from '../../../projections/members/members.projector';
import { NamespacesTable } from '../../../projections/namespaces/namespaces.projector';
import { OrganizationsTable } from '../../../projections/organizations/organizations.projector';
import { ProjectsTable } from '../../../projections/projects/projects.projector';
import { RoleBindingsTable } from '../../../projections/role-bindings/role-bindings.projector';
import { PriceBooksTable } from '../../../projections/price-books/price-books.projector';
import { UsageRollupsTable } from '../../../projections/usage-rollups/usage-rollups.projector';
import { AuditChainHeadsTable, AuditLogTable } from '../../../projections/audit-log/audit-log.projector';
import { NamespacePlacementsTable } from '../../../projections/namespace-placements/namespace-placements.projector';
import { RuntimeCommandsTable } from '../../../projections/runtime-commands/runtime-commands.projector';
import { RuntimeCredentialsTable } from '../../../projections/runtime-credentials/runtime-credentials.projector';
import { RuntimeTargetsTable } from '../../../projections/runtime-targets/runtime-targets.projector';
import { CheckpointsTable } from './projection/checkpoints';

/** Request infrastructure, not domain state (see apps/control-plane/src/platform/infrastructure-tables.ts). */
export interface IdempotencyRecordsTable {
  scope: string;
  key: string;
  request_hash: string;
  state: string;
  status: number | null;
  content_type: string | null;
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  body: string | null;
  created_at: Generated<Date>;
}

export interface ApiKeyUsageTable {
  key_id: string;
  last_used_at: Date;
}

/** Where each runtime target's usage feed was pulled up to (apps/control-plane/src/usage-ingest/usage-cursors.ts). */
export interface UsagePullCursorsTable {
  runtime_target_id: string;
  cursor: string | null;
  records_pulled: ColumnType<bigint | string, string, string>;
  updated_at: ColumnType<Date | string, Date, Date>;
}

/** The one kysely Database type: every read model's tables, as their projectors create them. */
export interface Database {
  projection_checkpoints: CheckpointsTable;
  organizations: OrganizationsTable;
  projects: ProjectsTable;
  environments: EnvironmentsTable;
  namespaces: NamespacesTable;
  members: MembersTable;
  api_keys: ApiKeysTable;
  api_key_credentials: ApiKeyCredentialsTable;
  role_bindings: RoleBindingsTable;
  price_books: PriceBooksTable;
  usage_rollups: UsageRollupsTable;
  audit_log: AuditLogTable;
  audit_chain_heads: AuditChainHeadsTable;
  runtime_targets: RuntimeTargetsTable;
  namespace_placements: NamespacePlacementsTable;
  runtime_commands: RuntimeCommandsTable;
  runtime_credentials: RuntimeCredentialsTable;
  usage_pull_cursors: UsagePullCursorsTable;
  idempotency_records: IdempotencyRecordsTable;
  api_key_usage: ApiKeyUsageTable;
}
