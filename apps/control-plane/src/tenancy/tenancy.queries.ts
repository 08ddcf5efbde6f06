import { Inject, Injectable } from '@nestjs/common';
import { replicationSummary } from '../replication/replication-routing';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { withPlacements } from '../placement/placement-summary';
import { EnvironmentRow, NamespaceRow, ProjectRow } from './representations';

/** Reads of the tenancy read models; every query is filtered by the caller's organization. */
@Injectable()
export class TenancyQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  project(organizationId: string, name: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('organization_id', '=', organizationId).where('name', '=', name).executeTakeFirst();
  }

  projects(organizationId: string, after: string | undefined, limit: number): Promise<ProjectRow[]> {
    let query = this.db.selectFrom('projects').selectAll().where('organization_id', '=', organizationId);
    if (after !== undefined) query = query.where('name', '>', after);
    return query.orderBy('name').limit(limit).execute();
  }

  environment(organizationId: string, project: string, name: string): Promise<EnvironmentRow | undefined> {
    return this.db.selectFrom('environments').selectAll().where('organization_id', '=', organizationId)
      .where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }

  environments(organizationId: string, project: string, after: string | undefined, limit: number): Promise<EnvironmentRow[]> {
    let query = this.db.selectFrom('environments').selectAll().where('organization_id', '=', organizationId).where('project', '=', project);
    if (after !== undefined) query = query.where('name', '>', after);
    return query.orderBy('name').limit(limit).execute();
  }

  async namespace(organizationId: string, name: string): Promise<NamespaceRow | undefined> {
    const row = await this.db.selectFrom('namespaces').selectAll().where('organization_id', '=', organizationId)
      .where('name', '=', name).where('state', '!=', 'deleted').executeTakeFirst();
    if (!row) return undefined;
    const [placed] = await withPlacements(this.db, organizationId, [row]);
    return { ...placed, replication: await replicationSummary(this.platform, organizationId, row.id) };
  }

  async namespaces(organizationId: string, filter: { project?: string; environment?: string }, after: string | undefined, limit: number): Promise<NamespaceRow[]> {
    let query = this.db.selectFrom('namespaces').selectAll().where('organization_id', '=', organizationId).where('state', '!=', 'deleted');
    if (filter.project !== undefined) query = query.where('project', '=', filter.project);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    if (after !== undefined) query = query.where('name', '>', after);
    return withPlacements(this.db, organizationId, await query.orderBy('name').limit(limit).execute());
  }

  /**
   * The listed rows with their `replication` field, as a single namespace reads it: from each
   * enrollment's stream (an unreplicated namespace's stream is empty). Called on the visible page only.
   */
  withReplication(organizationId: string, rows: readonly NamespaceRow[]): Promise<NamespaceRow[]> {
    return Promise.all(rows.map(async (row) => ({ ...row, replication: await replicationSummary(this.platform, organizationId, row.id) })));
  }
}
