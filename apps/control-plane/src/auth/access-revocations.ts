import { sql } from 'kysely';
import {
  AppendResult, EventStore, EventToAppend, ExpectedRevision, ReadAllOptions, RecordedEvent, SubscribeOptions,
} from '../../../../libs/event-store/src';
import { GlobalPosition } from '../../../../libs/event-store/src/position';
import { AnyDb } from '../../../../libs/read-model/src/projection/projector';

/**
 * Revocations that authentication must see the instant their command is acknowledged, whatever the
 * projectors do. A trigger on the event log writes this small table in the same transaction as the
 * append, so once a revoke, disable, removal, unbinding or demotion has committed, the very next
 * authentication sees it — a stalled or lagging projector cannot keep a revoked principal in.
 *
 * Rows (organization_id, kind, subject_id) → state:
 * - `api_key` key id → `revoked` | `disabled` | `enabled` (revoked is final);
 * - `principal` user or service-account id → `removed`;
 * - `binding` role-binding id → `deleted`;
 * - `role` user id → its current organization role (a demotion counts at once).
 *
 * The read models stay the source for everything else (a new key or binding counts once projected:
 * late grants fail closed, late revocations never fail open). This is not a projection: it has no
 * checkpoint and a rebuild leaves it alone; it is derived from the log alone, and back-filled from
 * the log when created.
 *
 * With the events in EventStoreDB no trigger sees the append: `RecordingAccessChanges` wraps that
 * store and writes the same rows once the server has acknowledged the append, before the command
 * answers (see there). `stream_revision` orders those writes; the trigger leaves it null.
 */
export async function createAccessRevocations(db: AnyDb): Promise<void> {
  await sql`
    create table if not exists access_revocations (
      organization_id text not null,
      kind text not null,
      subject_id text not null,
      state text not null,
      primary key (organization_id, kind, subject_id)
    );
    alter table access_revocations add column if not exists stream_revision bigint;
    create or replace function dwc_access_change(ev es_events) returns table (kind text, subject_id text, state text)
    language sql immutable as $$
      select * from (values
        ('api_key', ev.data->>'key_id', case ev.type when 'ApiKeyRevoked' then 'revoked' when 'ApiKeyDisabled' then 'disabled' else 'enabled' end)
      ) v where ev.type in ('ApiKeyRevoked', 'ApiKeyDisabled', 'ApiKeyEnabled')
      union all select 'principal', coalesce(ev.data->>'member_id', ev.data->>'service_account_id'), 'removed'
        where ev.type in ('MemberRemoved', 'ServiceAccountRemoved')
      union all select 'binding', ev.data->>'binding_id', 'deleted' where ev.type = 'RoleBindingDeleted'
      union all select 'role', ev.data->>'member_id', ev.data->>'organization_role' where ev.type = 'MemberRoleChanged'
    $$;
    create or replace function dwc_record_access_change() returns trigger language plpgsql as $$
    begin
      insert into access_revocations (organization_id, kind, subject_id, state)
      select new.organization_id, c.kind, c.subject_id, c.state from dwc_access_change(new) c
      on conflict (organization_id, kind, subject_id) do update
        set state = case when access_revocations.state = 'revoked' then 'revoked' else excluded.state end;
      return null;
    end $$;
  `.execute(db);
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_trigger where tgname = 'es_events_access_revocations'`.execute(db);
  if (exists.rows[0].n > 0) return;
  await sql`
    create or replace trigger es_events_access_revocations after insert on es_events for each row
      when (new.type in ('ApiKeyRevoked', 'ApiKeyDisabled', 'ApiKeyEnabled', 'MemberRemoved', 'ServiceAccountRemoved',
        'RoleBindingDeleted', 'MemberRoleChanged'))
      execute function dwc_record_access_change();
    insert into access_revocations (organization_id, kind, subject_id, state)
    select distinct on (e.organization_id, c.kind, c.subject_id) e.organization_id, c.kind, c.subject_id, c.state
    from es_events e cross join lateral dwc_access_change(e) c
    order by e.organization_id, c.kind, c.subject_id, (c.state = 'revoked') desc, e.transaction_id desc, e.global_position desc
    on conflict do nothing;
  `.execute(db);
}

interface AccessChange {
  readonly kind: 'api_key' | 'principal' | 'binding' | 'role';
  readonly subject_id: string;
  readonly state: string;
}

/** The rows one event writes: the same mapping as `dwc_access_change` above, for stores without the trigger. */
export function accessChangeOf(type: string, data: unknown): AccessChange | null {
  const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const of = (kind: AccessChange['kind'], subject: string | null, state: string | null) =>
    (subject !== null && state !== null ? { kind, subject_id: subject, state } : null);
  switch (type) {
    case 'ApiKeyRevoked': return of('api_key', text(fields.key_id), 'revoked');
    case 'ApiKeyDisabled': return of('api_key', text(fields.key_id), 'disabled');
    case 'ApiKeyEnabled': return of('api_key', text(fields.key_id), 'enabled');
    case 'MemberRemoved':
    case 'ServiceAccountRemoved': return of('principal', text(fields.member_id) ?? text(fields.service_account_id), 'removed');
    case 'RoleBindingDeleted': return of('binding', text(fields.binding_id), 'deleted');
    case 'MemberRoleChanged': return of('role', text(fields.member_id), text(fields.organization_role));
    default: return null;
  }
}

/**
 * The event store for a deployment whose events are not in `es_events` (EventStoreDB): every append
 * that carries a revocation, disable, enable, removal, unbinding or role change writes its
 * `access_revocations` rows as soon as the store has acknowledged it, so the command answers only
 * once authentication refuses the revoked principal, with no projector involved.
 *
 * Idempotent and ordered: a row moves only to a later revision of its stream (each subject is fed by
 * one stream: the key's, the organization's membership or bindings), and `revoked` stays final. A
 * crash between the acknowledgement and this write leaves the row to the next retry of the command
 * (its append is recognised as a repeat, and the rows are written then) or, at the latest, to the
 * projected read models, which the authenticator reads as well.
 */
export class RecordingAccessChanges implements EventStore {
  constructor(private readonly inner: EventStore, private readonly db: AnyDb) {}

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = await this.inner.append(streamId, events, expected);
    const first = result.nextExpectedRevision - BigInt(events.length - 1);
    const rows = events.flatMap((event, index) => {
      const change = accessChangeOf(event.type, event.data);
      const organizationId = event.metadata.organization_id;
      return change && organizationId ? [{ ...change, organization_id: organizationId, stream_revision: (first + BigInt(index)).toString() }] : [];
    });
    for (const row of rows) {
      await sql`
        insert into access_revocations (organization_id, kind, subject_id, state, stream_revision)
        values (${row.organization_id}, ${row.kind}, ${row.subject_id}, ${row.state}, ${row.stream_revision}::bigint)
        on conflict (organization_id, kind, subject_id) do update
          set state = case when access_revocations.state = 'revoked' then 'revoked' else excluded.state end,
              stream_revision = excluded.stream_revision
          where access_revocations.stream_revision is null or access_revocations.stream_revision < excluded.stream_revision
      `.execute(this.db);
    }
    return result;
  }

  readStream(streamId: string, options?: { fromRevision?: bigint; limit?: number }): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]> {
    return this.inner.subscribeAll(options);
  }

  headPosition(): Promise<GlobalPosition> {
    return this.inner.headPosition();
  }

  lastCommittedPosition(): Promise<GlobalPosition> {
    return this.inner.lastCommittedPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
