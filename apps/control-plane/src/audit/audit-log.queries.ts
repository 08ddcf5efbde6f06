import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { chainHash, GENESIS_HASH } from '../../../../projections/audit-log/audit-entry';
import { AuditLogTable } from '../../../../projections/audit-log/audit-log.projector';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export interface AuditLogFilter {
  readonly actor?: string;
  readonly namespace?: string;
  readonly action?: string;
  readonly since?: string;
  readonly until?: string;
  readonly after?: readonly [string, string];
  readonly limit: number;
}

export const auditEntryRepresentation = (row: AuditLogTable) => ({
  id: row.event_id,
  position: `${row.commit_position}.${row.prepare_position}`,
  occurred_at: new Date(row.occurred_at).toISOString(),
  actor: { id: row.actor_id, kind: row.actor_kind, key_id: row.key_id },
  action: row.action,
  resource: row.resource,
  namespace: row.namespace,
  outcome: row.outcome,
  request_id: row.request_id,
  hash: row.hash,
  previous_hash: row.previous_hash,
});

/** The organization's audit entries, in chain (log) order, and the chain's verification. */
@Injectable()
export class AuditLogQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  entries(organizationId: string, filter: AuditLogFilter): Promise<AuditLogTable[]> {
    let query = this.platform.storage.db.selectFrom('audit_log').selectAll().where('organization_id', '=', organizationId);
    if (filter.actor) query = query.where('actor_id', '=', filter.actor);
    if (filter.namespace) query = query.where('namespace', '=', filter.namespace);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.since) query = query.where('occurred_at', '>=', new Date(filter.since));
    if (filter.until) query = query.where('occurred_at', '<', new Date(filter.until));
    if (filter.after) {
      const [commit, prepare] = filter.after;
      query = query.where(sql<boolean>`(commit_position, prepare_position) > (${commit}::bigint, ${prepare}::bigint)`);
    }
    return query.orderBy('commit_position').orderBy('prepare_position').limit(filter.limit).execute();
  }

  /** Recomputes every link of the organization's chain; the first entry that does not match is reported. */
  async verify(organizationId: string) {
    let previous = GENESIS_HASH;
    let entries = 0;
    let after: readonly [string, string] | undefined;
    for (;;) {
      const rows = await this.entries(organizationId, { after, limit: 5000 });
      for (const row of rows) {
        const { hash, previous_hash, ...facts } = row;
        const expected = chainHash(previous, {
          ...facts, occurred_at: new Date(facts.occurred_at).toISOString(),
          commit_position: String(facts.commit_position), prepare_position: String(facts.prepare_position),
          outcome: facts.outcome as 'succeeded' | 'denied',
        });
        if (previous_hash !== previous || hash !== expected) {
          return { ok: false, entries, head_hash: previous, first_bad_position: `${row.commit_position}.${row.prepare_position}` };
        }
        previous = hash;
        entries++;
      }
      if (rows.length < 5000) return { ok: true, entries, head_hash: previous };
      const last = rows[rows.length - 1];
      after = [String(last.commit_position), String(last.prepare_position)];
    }
  }
}
