import { sql } from 'kysely';
import { AnyDb } from '../../libs/read-model/src/projection/projector';

/**
 * Seeded daily rollups skip the projector, so its monthly table must be filled the way the projector
 * would (one row per month, namespace and action type); without it a whole-month query reads nothing.
 */
export async function seedMonthlyFromDaily(db: AnyDb, organizationIds: readonly string[]): Promise<void> {
  if (organizationIds.length === 0) return;
  await sql`
    insert into usage_rollups_monthly (organization_id, month, namespace, project, environment, action_type, quantity)
    select organization_id, date_trunc('month', day)::date, namespace, project, environment, action_type, sum(quantity)::bigint
    from usage_rollups where organization_id in (${sql.join(organizationIds.map((id) => sql`${id}`))})
    group by organization_id, date_trunc('month', day), namespace, project, environment, action_type
    on conflict do nothing`.execute(db);
}
