import { ApiKeysController } from './api-keys.controller';
import { IdentityCommandRunner } from './command-runner';
import { ApiKeyCommandHandler, MembershipCommandHandler, RoleBindingsCommandHandler } from './identity.commands';
import { IdentityQueries } from './identity.queries';
import { MeController } from './me.controller';
import { MembersController } from './members.controller';
import { PermissionPreview } from './permission-preview';
import { RemovePrincipalHandler } from './principal-removal';
import { RoleBindingScope } from './role-binding-scope';
import { RoleBindingsController } from './role-bindings.controller';
import { ServiceAccountsController } from './service-accounts.controller';

/** The identity slice, registered by AppModule. */
export const identityControllers = [MeController, MembersController, ServiceAccountsController, RoleBindingsController, ApiKeysController];

export const identityProviders = [
  IdentityQueries, PermissionPreview, RoleBindingScope, IdentityCommandRunner,
  MembershipCommandHandler, RemovePrincipalHandler, RoleBindingsCommandHandler, ApiKeyCommandHandler,
];
