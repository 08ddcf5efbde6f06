import { sql } from 'kysely';
import { RecordedEvent } from '../../../libs/event-store/src/event-store';
import { AnyDb, Projector } from '../../../libs/read-model/src/projection/projector';

/**
 * Projectors for the crash test whose second apply of an event cannot go unnoticed: `crash_strict`
 * inserts one row per event with a plain primary key (a double apply is a unique violation, so the
 * projector stalls), `crash_counter` adds the batch's size to one counter (a double apply shows as a
 * count above the log's). The real projectors upsert or ignore conflicts, which would hide it.
 */
export const strictProjector: Projector = {
  name: 'crash_strict',
  handles: { has: () => true },
  tables: ['crash_strict'],
  createTables: async (db: AnyDb) => {
    await sql`create table if not exists crash_strict (event_id uuid primary key, stream_id text not null)`.execute(db);
  },
  applyBatch: async (trx: AnyDb, events: readonly RecordedEvent[]) => {
    if (events.length === 0) return;
    await sql`insert into crash_strict (event_id, stream_id)
      select * from unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.streamId)}::text[])`.execute(trx);
  },
};

export const counterProjector: Projector = {
  name: 'crash_counter',
  handles: { has: () => true },
  tables: ['crash_counter'],
  createTables: async (db: AnyDb) => {
    await sql`create table if not exists crash_counter (id int primary key, applied bigint not null)`.execute(db);
  },
  applyBatch: async (trx: AnyDb, events: readonly RecordedEvent[]) => {
    await sql`insert into crash_counter (id, applied) values (1, ${events.length})
      on conflict (id) do update set applied = crash_counter.applied + excluded.applied`.execute(trx);
  },
};

export const strictProjectors: readonly Projector[] = [strictProjector, counterProjector];
