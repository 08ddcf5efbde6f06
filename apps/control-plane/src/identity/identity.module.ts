import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module';
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
import './identity.openapi';

/** Identity: users, service accounts, role bindings and API keys (role-binding scopes name tenancy resources). */
@Module({
  imports: [TenancyModule],
  controllers: [MeController, MembersController, ServiceAccountsController, RoleBindingsController, ApiKeysController],
  providers: [
    IdentityQueries, PermissionPreview, RoleBindingScope, IdentityCommandRunner,
    MembershipCommandHandler, RemovePrincipalHandler, RoleBindingsCommandHandler, ApiKeyCommandHandler,
  ],
})
export class IdentityModule {}
