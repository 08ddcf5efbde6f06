import { Projector } from '../libs/read-model/src/projection/projector';
import { auditLogProjector } from './audit-log/audit-log.projector';
import { apiKeysProjector } from './api-keys/api-keys.projector';
import { environmentsProjector } from './environments/environments.projector';
import { namespacesProjector } from './namespaces/namespaces.projector';
import { organizationsProjector } from './organizations/organizations.projector';
import { projectsProjector } from './projects/projects.projector';
import { membersProjector } from './members/members.projector';
import { roleBindingsProjector } from './role-bindings/role-bindings.projector';
import { priceBooksProjector } from './price-books/price-books.projector';
import { usageRollupsProjector } from './usage-rollups/usage-rollups.projector';
import { namespacePlacementsProjector } from './namespace-placements/namespace-placements.projector';
import { runtimeCommandsProjector } from './runtime-commands/runtime-commands.projector';
import { runtimeCredentialsProjector } from './runtime-credentials/runtime-credentials.projector';
import { runtimeTargetsProjector } from './runtime-targets/runtime-targets.projector';

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
  auditLogProjector,
];
