import { forwardRef, Module } from '@nestjs/common';
import { BootstrapOrganizationHandler } from '../operator/bootstrap-organization';
import { OrganizationsController } from '../operator/organizations.controller';
import { PlacementModule } from '../placement/placement.module';
import { EnvironmentsController } from './environments.controller';
import { NamespacesController } from './namespaces.controller';
import { ProjectsController } from './projects.controller';
import { tenancyCommandHandlers } from './tenancy.commands';
import { TenancyQueries } from './tenancy.queries';
import './tenancy.openapi';

/**
 * Tenancy: organizations (created by the operator), projects, environments and namespaces.
 * Placement reads tenancy (namespace access); a namespace created with a runtime target asks placement
 * to assign it, hence the forward reference in both directions.
 */
@Module({
  imports: [forwardRef(() => PlacementModule)],
  controllers: [OrganizationsController, ProjectsController, EnvironmentsController, NamespacesController],
  providers: [TenancyQueries, BootstrapOrganizationHandler, ...tenancyCommandHandlers],
  exports: [TenancyQueries],
})
export class TenancyModule {}
