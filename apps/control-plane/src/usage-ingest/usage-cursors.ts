import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ColumnType, sql } from 'kysely';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Where each runtime target's usage feed was pulled up to. */
export interface UsagePullCursorsTable {
  runtime_target_id: string;
  cursor: string | null;
  records_pulled: ColumnType<bigint | string, string, string>;
  updated_at: ColumnType<Date | string, Date, Date>;
}

export interface UsagePullCursorTables {
  usage_pull_cursors: UsagePullCursorsTable;
}

/**
 * Where each target's usage feed was read up to. Saved after the page's records are recorded, so a
 * crash in between re-reads a page, which ingestion answers idempotently by record id.
 */
@Injectable()
export class UsageCursors implements OnModuleInit {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async onModuleInit(): Promise<void> {
    await sql`
      create table if not exists usage_pull_cursors (
        runtime_target_id text primary key,
        cursor text,
        records_pulled bigint not null default 0,
        updated_at timestamptz not null default now()
      )`.execute(this.platform.storage.db);
  }

  async get(runtimeTargetId: string): Promise<string | null> {
    const row = await this.platform.storage.db.selectFrom('usage_pull_cursors').select('cursor').where('runtime_target_id', '=', runtimeTargetId).executeTakeFirst();
    return row?.cursor ?? null;
  }

  async save(runtimeTargetId: string, cursor: string | null, pulled: number): Promise<void> {
    await this.platform.storage.db.insertInto('usage_pull_cursors')
      .values({ runtime_target_id: runtimeTargetId, cursor, records_pulled: String(pulled), updated_at: new Date() })
      .onConflict((oc) => oc.column('runtime_target_id').doUpdateSet({
        cursor, records_pulled: sql`usage_pull_cursors.records_pulled + ${pulled}::bigint`, updated_at: new Date(),
      }))
      .execute();
  }
}
