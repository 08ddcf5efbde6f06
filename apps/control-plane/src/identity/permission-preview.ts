import { Inject, Injectable } from '@nestjs/common';
import { BindingRole, OrganizationRole } from '../../../../libs/domain/identity';
import { DomainEvent } from '../../../../libs/domain/shared/event';
import { PermissionChange, permissionDiff, Resource } from '../../../../libs/auth/src/permissions';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { applyIdentityEvents, IdentitySnapshot, SnapshotBinding } from './access-snapshot';

/** The answer to `?dry_run=true`: what the change would do to effective permissions, and nothing appended. */
export interface DryRunAnswer {
  readonly dry_run: true;
  readonly changes: readonly PermissionChange[];
  /** Types of the events a real request would append now, in order. */
  readonly would_append: readonly string[];
}

/** Builds access snapshots from the read models and previews what decided events would change. */
@Injectable()
export class PermissionPreview {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  async dryRun(organizationId: string, events: readonly DomainEvent[]): Promise<DryRunAnswer> {
    const before = await this.snapshot(organizationId);
    return { dry_run: true, changes: permissionDiff(before, applyIdentityEvents(before, events)), would_append: events.map((e) => e.type) };
  }

  async snapshot(organizationId: string): Promise<IdentitySnapshot> {
    const [principals, bindings, resources] = await Promise.all([
      this.db.selectFrom('members').select(['principal_id', 'organization_role'])
        .where('organization_id', '=', organizationId).where('state', '=', 'active').orderBy('principal_id').execute(),
      this.db.selectFrom('role_bindings').select(['id', 'principal_id', 'role', 'project', 'environment', 'namespace'])
        .where('organization_id', '=', organizationId).orderBy('id').execute(),
      this.resources(organizationId),
    ]);
    return {
      principals: principals.map((p) => ({ id: p.principal_id, organization_role: p.organization_role as OrganizationRole | null })),
      bindings: bindings.map((b): SnapshotBinding => ({
        binding_id: b.id,
        principal_id: b.principal_id,
        role: b.role as BindingRole,
        scope: { project: b.project, environment: b.environment, namespace: b.namespace },
      })),
      resources,
    };
  }

  /** Every project, environment and (live) namespace of the organization, as permission resources. */
  async resources(organizationId: string): Promise<readonly Resource[]> {
    const [projects, environments, namespaces] = await Promise.all([
      this.db.selectFrom('projects').select('name').where('organization_id', '=', organizationId).orderBy('name').execute(),
      this.db.selectFrom('environments').select(['project', 'name']).where('organization_id', '=', organizationId)
        .orderBy('project').orderBy('name').execute(),
      this.db.selectFrom('namespaces').select(['project', 'environment', 'name']).where('organization_id', '=', organizationId)
        .where('state', '!=', 'deleted').orderBy('name').execute(),
    ]);
    return [
      ...projects.map((p): Resource => ({ project: p.name })),
      ...environments.map((e): Resource => ({ project: e.project, environment: e.name })),
      ...namespaces.map((n): Resource => ({ project: n.project, environment: n.environment, namespace: n.name })),
    ];
  }
}
