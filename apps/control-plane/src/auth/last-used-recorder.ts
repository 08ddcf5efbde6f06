import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { sql } from 'kysely';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

const FLUSH_INTERVAL_MS = 5_000;

/**
 * `last_used_at` without an event (or a write) per request: uses are collected in memory and flushed
 * as one upsert every few seconds. Minute-level freshness is what a key listing needs.
 */
@Injectable()
export class LastUsedRecorder implements OnModuleDestroy {
  private pending = new Map<string, Date>();
  private readonly timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  used(keyId: string, at = new Date()): void {
    this.pending.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.entries()];
    this.pending = new Map();
    await this.platform.storage.db.insertInto('api_key_usage')
      .values(batch.map(([key_id, last_used_at]) => ({ key_id, last_used_at })))
      .onConflict((oc) => oc.column('key_id').doUpdateSet({ last_used_at: sql`greatest(api_key_usage.last_used_at, excluded.last_used_at)` }))
      .execute().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
