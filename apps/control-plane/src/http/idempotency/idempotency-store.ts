import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { sql } from 'kysely';
import { Platform } from '../../platform/platform';
import { PLATFORM } from '../../platform/platform.tokens';
import { StoredResponse } from './idempotent-replay';

export type Reservation =
  | { readonly outcome: 'reserved' }
  | { readonly outcome: 'mismatch' }
  | { readonly outcome: 'in_progress' }
  | { readonly outcome: 'completed'; readonly response: StoredResponse };

/** Responses kept for replay; headers that matter to a client that retries. */
export const REPLAYED_HEADERS = ['etag', 'location', 'x-dwc-position', 'x-dwc-audit-id', 'x-dwc-runtime-target', 'retry-after'] as const;
/** Set in the stored headers when the body was binary and is kept as base64; never sent. */
export const BASE64_BODY = 'x-dwc-stored-body-base64';

/** A reservation still pending after this long was left by a crash: the next request with its key takes it over. */
export const PENDING_EXPIRY_SECONDS = Number(process.env.DWC_IDEMPOTENCY_PENDING_EXPIRY_SECONDS ?? 120);
/** Completed answers are replayed for this long, then purged. */
export const RECORD_RETENTION_HOURS = 24;
const SWEEP_INTERVAL_MS = 10 * 60_000;

@Injectable()
export class IdempotencyStore implements OnModuleDestroy {
  private readonly timer = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS).unref();

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Purges answers older than the retention and reservations a crash left behind. */
  async sweep(): Promise<void> {
    await this.purgeOlderThan(RECORD_RETENTION_HOURS);
  }

  private get db() {
    return this.platform.storage.db;
  }

  async reserve(scope: string, key: string, requestHash: string): Promise<Reservation> {
    // A pending reservation older than PENDING_EXPIRY_SECONDS is a crashed request's: taken over, whatever its body was.
    const inserted = await this.db.insertInto('idempotency_records')
      .values({ scope, key, request_hash: requestHash, state: 'pending' })
      .onConflict((oc) => oc.columns(['scope', 'key'])
        .doUpdateSet({ request_hash: requestHash, state: 'pending', created_at: sql<Date>`now()` })
        .where('idempotency_records.state', '=', 'pending')
        .where('idempotency_records.created_at', '<', sql<Date>`now() - make_interval(secs => ${PENDING_EXPIRY_SECONDS})`))
      .returning('key').executeTakeFirst();
    if (inserted) return { outcome: 'reserved' };
    const existing = await this.db.selectFrom('idempotency_records').selectAll()
      .where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!existing) return this.reserve(scope, key, requestHash);
    if (existing.request_hash !== requestHash) return { outcome: 'mismatch' };
    if (existing.state !== 'completed') return { outcome: 'in_progress' };
    return { outcome: 'completed', response: {
      status: existing.status ?? 500, contentType: existing.content_type, headers: existing.headers ?? {}, body: existing.body ?? '',
    } };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.db.updateTable('idempotency_records')
      .set({ state: 'completed', status: response.status, content_type: response.contentType,
        headers: JSON.stringify(response.headers), body: response.body })
      .where('scope', '=', scope).where('key', '=', key).execute();
  }

  /** A server error is not an answer worth replaying: free the key so the retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_records').where('scope', '=', scope).where('key', '=', key)
      .where('state', '=', 'pending').execute();
  }

  async purgeOlderThan(hours: number): Promise<void> {
    await this.db.deleteFrom('idempotency_records').where('created_at', '<', sql<Date>`now() - make_interval(hours => ${hours})`).execute();
  }
}
