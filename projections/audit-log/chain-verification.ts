import { Selectable } from 'kysely';
import { sql } from 'kysely';
import { chainHash } from '../../libs/domain/audit/chain';
import { AnyDb } from '../../libs/read-model/src/projection/projector';
import { AuditLogTable } from './audit-log.projector';

const PAGE = 5000;

export interface ChainWalk {
  readonly ok: boolean;
  readonly entries: number;
  readonly head_hash: string;
  readonly first_bad_position?: string;
}

/**
 * Recomputes every link of one organization's chain after `after` (exclusive; the genesis when
 * absent), starting from `previous` with `counted` entries before it; reports the first entry whose
 * link or hash does not match. Used by `/audit-log/verify` and the operator CLI's `verify`.
 */
export async function walkAuditChain(db: AnyDb, organizationId: string, start: { previous: string; counted: number; after?: readonly [string, string] },
  onPage?: (entries: number) => void): Promise<ChainWalk> {
  let previous = start.previous;
  let entries = start.counted;
  let after = start.after;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().where('organization_id', '=', organizationId);
    if (after) query = query.where(sql<boolean>`(commit_position, prepare_position) > (${after[0]}::bigint, ${after[1]}::bigint)`);
    const rows = await query.orderBy('commit_position').orderBy('prepare_position').limit(PAGE).execute() as Selectable<AuditLogTable>[];
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
    onPage?.(rows.length);
    if (rows.length < PAGE) return { ok: true, entries, head_hash: previous };
    const last = rows[rows.length - 1];
    after = [String(last.commit_position), String(last.prepare_position)];
  }
}
