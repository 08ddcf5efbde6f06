import { Injectable } from '@nestjs/common';
import { RoleScope, RoleScopeInput } from '../../../../libs/domain/identity';
import { notFound } from '../../../../libs/domain/shared/errors';
import { TenancyQueries } from '../tenancy/tenancy.queries';

/**
 * Checks that a binding's scope names resources that exist (tenancy read models) and completes a
 * namespace scope to its full path, so the binding also lets its holder navigate to the namespace.
 * A scope that disagrees with where the namespace lives names nothing: 404 on that field.
 */
@Injectable()
export class RoleBindingScope {
  constructor(private readonly tenancy: TenancyQueries) {}

  async resolve(organizationId: string, input: RoleScopeInput): Promise<RoleScope> {
    const scope = RoleScope.normalize(input);
    if (scope.namespace !== undefined) {
      const namespace = await this.tenancy.namespace(organizationId, scope.namespace);
      const where = [scope.project, scope.environment, scope.namespace].filter((part) => part !== undefined).join('/');
      if (!namespace || (scope.project ?? namespace.project) !== namespace.project || (scope.environment ?? namespace.environment) !== namespace.environment) {
        throw notFound(`namespace ${where}`, 'scope.namespace');
      }
      return RoleScope.normalize({ project: namespace.project, environment: namespace.environment, namespace: namespace.name });
    }
    if (scope.project === undefined) return scope;
    if (!(await this.tenancy.project(organizationId, scope.project))) throw notFound(`project ${scope.project}`, 'scope.project');
    if (scope.environment !== undefined && !(await this.tenancy.environment(organizationId, scope.project, scope.environment))) {
      throw notFound(`environment ${scope.project}/${scope.environment}`, 'scope.environment');
    }
    return scope;
  }
}
