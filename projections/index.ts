import { Projector } from '../libs/read-model/src/projection/projector';
import { auditLogProjector, AuditLogTables } from './audit-log/audit-log.projector';
import { apiKeysProjector, ApiKeysTables } from './api-keys/api-keys.projector';
import { environmentsProjector, EnvironmentsTables } from './environments/environments.projector';
import { namespacesProjector, NamespacesTables } from './namespaces/namespaces.projector';
import { organizationsProjector, OrganizationsTables } from './organizations/organizations.projector';
import { projectsProjector, ProjectsTables } from './projects/projects.projector';
import { membersProjector, MembersTables } from './members/members.projector';
import { roleBindingsProjector, RoleBindingsTables } from './role-bindings/role-bindings.projector';
import { priceBooksProjector, PriceBooksTables } from './price-books/price-books.projector';
import {
  usageRollupsMonthlyProjector, UsageRollupsMonthlyTables, usageRollupsProjector, UsageRollupsTables,
} from './usage-rollups/usage-rollups.projector';
import { namespacePlacementsProjector, NamespacePlacementsTables } from './namespace-placements/namespace-placements.projector';
import { runtimeCommandsProjector, RuntimeCommandsTables } from './runtime-commands/runtime-commands.projector';
import { runtimeCredentialsProjector, RuntimeCredentialsTables } from './runtime-credentials/runtime-credentials.projector';
import { runtimeTargetsProjector, RuntimeTargetsTables } from './runtime-targets/runtime-targets.projector';
import { auditCheckpointsProjector, AuditCheckpointsTables } from './audit-checkpoints/audit-checkpoints.projector';

/** Every read model's projector; the runner, the CLI rebuild and the tests all take this list. */
export const allProjectors: readonly Projector[] = [
  organizationsProjector,
  projectsProjector,
  environmentsProjector,
  namespacesProjector,
  membersProjector,
  apiKeysProjector,
  roleBindingsProjector,
  runtimeTargetsProjector,
  namespacePlacementsProjector,
  runtimeCommandsProjector,
  runtimeCredentialsProjector,
  priceBooksProjector,
  usageRollupsProjector,
  usageRollupsMonthlyProjector,
  auditLogProjector,
  auditCheckpointsProjector,
];

/** Every read model's tables, as their projectors own them; the composition root adds its own to make `Database`. */
export interface ReadModelTables extends
  AuditLogTables,
  AuditCheckpointsTables,
  ApiKeysTables,
  EnvironmentsTables,
  NamespacesTables,
  OrganizationsTables,
  ProjectsTables,
  MembersTables,
  RoleBindingsTables,
  PriceBooksTables,
  UsageRollupsTables,
  UsageRollupsMonthlyTables,
  NamespacePlacementsTables,
  RuntimeCommandsTables,
  RuntimeCredentialsTables,
  RuntimeTargetsTables {}
