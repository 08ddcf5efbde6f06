import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, verify } from 'node:crypto';
import { Selectable, sql } from 'kysely';
import { GENESIS_HASH } from '../../../../libs/domain/audit/chain';
import { AuditCheckpoint, checkpointPayload } from '../../../../libs/domain/audit/checkpoints/events';
import { AuditCheckpointsTable } from '../../../../projections/audit-checkpoints/audit-checkpoints.projector';
import { AuditLogTable } from '../../../../projections/audit-log/audit-log.projector';
import { walkAuditChain } from '../../../../projections/audit-log/chain-verification';

export type AuditLogRow = Selectable<AuditLogTable>;
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export interface AuditLogFilter {
  readonly actor?: string;
  readonly namespace?: string;
  readonly action?: string;
  readonly since?: string;
  readonly until?: string;
  /** Exclusive lower bound in chain order. */
  readonly after?: readonly [string, string];
  /** Inclusive upper bound in chain order. */
  readonly through?: readonly [string, string];
  readonly limit: number;
  readonly descending?: boolean;
}

export const auditEntryRepresentation = (row: AuditLogRow) => ({
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

export const checkpointRepresentation = (row: AuditCheckpointsTable): AuditCheckpoint => ({
  organization_id: row.organization_id,
  position: `${row.commit_position}.${row.prepare_position}`,
  entries: Number(row.entries),
  head_hash: row.head_hash,
  key_id: row.key_id,
  algorithm: 'Ed25519',
  signature: row.signature,
  signed_at: new Date(row.signed_at).toISOString(),
});

const RUNTIME_COMMAND_STREAM_PREFIX = 'runtime_command-';

export interface CommandLink {
  readonly audit_id: string;
  readonly acceptance_position: string | null;
  readonly outcome_position: string | null;
  readonly runtime_status: number | null;
  readonly runtime_outcome: string | null;
}

const positionOf = (row: { commit_position: string | bigint; prepare_position: string | bigint }): [string, string] =>
  [String(row.commit_position), String(row.prepare_position)];

/** How many of the newest checkpoints incremental verification tries before falling back to the genesis. */
const ANCHOR_CANDIDATES = 5;

export interface ChainVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head_hash: string;
  readonly first_bad_position?: string;
  /** The signed checkpoint verification started from (null: from the genesis). */
  readonly verified_from: { readonly position: string; readonly key_id: string; readonly signed_at: string; readonly entries: number } | null;
}

/** The organization's audit entries, in chain (log) order, their signed checkpoints, and the chain's verification. */
@Injectable()
export class AuditLogQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  entries(organizationId: string, filter: AuditLogFilter): Promise<AuditLogRow[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('organization_id', '=', organizationId);
    if (filter.actor) query = query.where('actor_id', '=', filter.actor);
    if (filter.namespace) query = query.where('namespace', '=', filter.namespace);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.since) query = query.where('occurred_at', '>=', new Date(filter.since));
    if (filter.until) query = query.where('occurred_at', '<', new Date(filter.until));
    if (filter.after) {
      const [commit, prepare] = filter.after;
      query = query.where(sql<boolean>`(commit_position, prepare_position) > (${commit}::bigint, ${prepare}::bigint)`);
    }
    if (filter.through) {
      const [commit, prepare] = filter.through;
      query = query.where(sql<boolean>`(commit_position, prepare_position) <= (${commit}::bigint, ${prepare}::bigint)`);
    }
    const direction = filter.descending ? 'desc' : 'asc';
    return query.orderBy('commit_position', direction).orderBy('prepare_position', direction).limit(filter.limit).execute();
  }

  /** Signed checkpoints, newest first; `before` pages on. */
  async checkpoints(organizationId: string, options: { limit: number; before?: readonly [string, string] }): Promise<AuditCheckpointsTable[]> {
    let query = this.db.selectFrom('audit_checkpoints').selectAll().where('organization_id', '=', organizationId);
    if (options.before) {
      const [commit, prepare] = options.before;
      query = query.where(sql<boolean>`(commit_position, prepare_position) < (${commit}::bigint, ${prepare}::bigint)`);
    }
    return query.orderBy('commit_position', 'desc').orderBy('prepare_position', 'desc').orderBy('key_id').limit(options.limit).execute();
  }

  /** One checkpoint per covered head (the earliest signed), in chain order, between two positions inclusive. */
  async checkpointsBetween(organizationId: string, from: readonly [string, string], to: readonly [string, string]): Promise<AuditCheckpointsTable[]> {
    const result = await sql<AuditCheckpointsTable>`
      select distinct on (commit_position, prepare_position) * from audit_checkpoints
      where organization_id = ${organizationId}
        and (commit_position, prepare_position) >= (${from[0]}::bigint, ${from[1]}::bigint)
        and (commit_position, prepare_position) <= (${to[0]}::bigint, ${to[1]}::bigint)
      order by commit_position, prepare_position, signed_at, key_id`.execute(this.db);
    return result.rows;
  }

  /** The newest checkpoint strictly before / the oldest at or after a position. */
  async checkpointNear(organizationId: string, position: readonly [string, string], side: 'before' | 'at_or_after'): Promise<AuditCheckpointsTable | undefined> {
    const [commit, prepare] = position;
    const comparison = side === 'before'
      ? sql<boolean>`(commit_position, prepare_position) < (${commit}::bigint, ${prepare}::bigint)`
      : sql<boolean>`(commit_position, prepare_position) >= (${commit}::bigint, ${prepare}::bigint)`;
    const direction = side === 'before' ? 'desc' : 'asc';
    return this.db.selectFrom('audit_checkpoints').selectAll().where('organization_id', '=', organizationId).where(comparison)
      .orderBy('commit_position', direction).orderBy('prepare_position', direction).orderBy('signed_at').limit(1).executeTakeFirst();
  }

  /**
   * For entries of forwarded runtime commands: the command's acceptance and outcome entries (same
   * stream, linked by the audit id) and the runtime's outcome, keyed by the entry's resource.
   */
  async commandLinks(organizationId: string, rows: readonly AuditLogRow[]): Promise<Map<string, CommandLink>> {
    const resources = [...new Set(rows.map((r) => r.resource).filter((r) => r.startsWith(RUNTIME_COMMAND_STREAM_PREFIX)))];
    const links = new Map<string, CommandLink>();
    if (resources.length === 0) return links;
    const entries = await this.db.selectFrom('audit_log').select(['resource', 'action', 'commit_position', 'prepare_position'])
      .where('organization_id', '=', organizationId).where('resource', 'in', resources).execute();
    const auditIds = resources.map((r) => r.slice(`${RUNTIME_COMMAND_STREAM_PREFIX}${organizationId}.`.length));
    const outcomes = new Map((await this.db.selectFrom('runtime_commands').select(['audit_id', 'runtime_status', 'runtime_outcome'])
      .where('organization_id', '=', organizationId).where('audit_id', 'in', auditIds).execute()).map((r) => [r.audit_id, r]));
    for (const resource of resources) {
      const audit_id = resource.slice(`${RUNTIME_COMMAND_STREAM_PREFIX}${organizationId}.`.length);
      const own = entries.filter((e) => e.resource === resource);
      const at = (action: (a: string) => boolean) => {
        const e = own.find((x) => action(x.action));
        return e ? `${e.commit_position}.${e.prepare_position}` : null;
      };
      const outcome = outcomes.get(audit_id);
      links.set(resource, {
        audit_id,
        acceptance_position: at((a) => a === 'RuntimeCommandAccepted'),
        outcome_position: at((a) => a === 'RuntimeCommandForwarded' || a === 'RuntimeCommandRefused'),
        runtime_status: outcome?.runtime_status ?? null,
        runtime_outcome: outcome?.runtime_outcome ?? null,
      });
    }
    return links;
  }

  publicKeys() {
    return this.db.selectFrom('audit_signing_keys').selectAll().orderBy('created_at').orderBy('key_id').execute();
  }

  /**
   * Verifies the chain. Incrementally by default: from the newest checkpoint whose signature holds
   * (its head row must still carry the signed hash), recomputing only the entries after it; with
   * `full`, or when there is no such checkpoint, from the genesis.
   */
  async verify(organizationId: string, options: { full?: boolean } = {}): Promise<ChainVerification> {
    if (!options.full) {
      const anchor = await this.trustedCheckpoint(organizationId);
      if (anchor) {
        const checkpoint = checkpointRepresentation(anchor);
        const verifiedFrom = { position: checkpoint.position, key_id: checkpoint.key_id, signed_at: checkpoint.signed_at, entries: checkpoint.entries };
        const [row] = await this.entries(organizationId, { after: undefined, through: positionOf(anchor), descending: true, limit: 1 });
        if (!row || row.hash !== anchor.head_hash || `${row.commit_position}.${row.prepare_position}` !== checkpoint.position) {
          return { ok: false, entries: checkpoint.entries, head_hash: anchor.head_hash, first_bad_position: checkpoint.position, verified_from: verifiedFrom };
        }
        return this.walk(organizationId, anchor.head_hash, checkpoint.entries, positionOf(anchor), verifiedFrom);
      }
    }
    return this.walk(organizationId, GENESIS_HASH, 0, undefined, null);
  }

  private async walk(organizationId: string, previous: string, counted: number, after: readonly [string, string] | undefined,
    verifiedFrom: ChainVerification['verified_from']): Promise<ChainVerification> {
    return { ...await walkAuditChain(this.db, organizationId, { previous, counted, after }), verified_from: verifiedFrom };
  }

  /** The newest checkpoint whose Ed25519 signature holds under its registered public key. */
  private async trustedCheckpoint(organizationId: string): Promise<AuditCheckpointsTable | null> {
    const candidates = await this.checkpoints(organizationId, { limit: ANCHOR_CANDIDATES });
    if (candidates.length === 0) return null;
    const keys = new Map((await this.publicKeys()).map((k) => [k.key_id, k.public_key_pem]));
    for (const row of candidates) {
      const pem = keys.get(row.key_id);
      if (!pem) continue;
      try {
        if (verify(null, checkpointPayload(checkpointRepresentation(row)), createPublicKey(pem), Buffer.from(row.signature, 'base64'))) return row;
      } catch {
        // an unreadable signature or key: not a trustworthy anchor
      }
    }
    return null;
  }
}
