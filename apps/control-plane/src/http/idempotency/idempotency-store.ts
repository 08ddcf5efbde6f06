import { Inject, Injectable } from '@nestjs/common';
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
export const REPLAYED_HEADERS = ['etag', 'location', 'x-dwc-position'] as const;

@Injectable()
export class IdempotencyStore {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  async reserve(scope: string, key: string, requestHash: string): Promise<Reservation> {
    const inserted = await this.db.insertInto('idempotency_records')
      .values({ scope, key, request_hash: requestHash, state: 'pending' })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
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
