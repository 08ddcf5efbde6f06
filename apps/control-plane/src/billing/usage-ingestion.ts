import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  rejectionReason, usageDayOf, usageEventFor, UsageRecord, UsageRecordFieldError, usageRecordRejected,
  usageRejectionsStream, usageStream, validateUsageRecords,
} from '../../../../libs/domain/usage';
import { EventMetadata } from '../../../../libs/domain/shared/event';
import { EventToAppend, SCHEMA_VERSION, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { canonicalJson } from '../http/canonical-json';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { memoizedPlacement, PlacementLookup } from './placement-lookup';
import { storedEventsById } from './stored-events';
import { recordedEventId, rejectedEventId } from './usage-event-ids';
import { NOT_PLACED, outcomeOfEarlier, UsageRecordResult } from './usage-record-result';

export type { UsageRecordResult, UsageRecordStatus } from './usage-record-result';

/** Runtime-target clocks drift: a window may end this far after Cloud's `now`. */
export const ALLOWED_CLOCK_SKEW_MS = 60_000;
/** Streams appended to at once: distinct streams never conflict, so a batch's appends overlap. */
const APPEND_CONCURRENCY = 8;
/** Appends refused while none of their events got stored (a busy stream) are retried this often. */
const MAX_BUSY_ROUNDS = 5;

interface Planned {
  /** One per input record, in input order; settled again if a concurrent report wins a record's id. */
  readonly results: UsageRecordResult[];
  /** New events per stream, in input order. */
  readonly appends: Map<string, EventToAppend[]>;
  /** The accepted record of each new `UsageRecorded` event id, with its place in `results`. */
  readonly accepted: Map<string, { readonly index: number; readonly record: UsageRecord }>;
}

/**
 * Usage-record ingestion for one runtime target's batch: validate every record, refuse namespaces that were not
 * placed on the target during the record's window, and record each outcome once. Idempotent by record id: event
 * ids derive from the target and the record id (refusals from the exact input), ids already in the store are not
 * appended again, and a re-sent batch appends nothing and gets the same outcomes.
 */
@Injectable()
export class UsageIngestion {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async ingest(runtimeTargetId: string, records: unknown[], now: Date, placement: PlacementLookup): Promise<UsageRecordResult[]> {
    const planned = await this.plan(runtimeTargetId, records, now, memoizedPlacement(placement));
    await this.appendAll(planned);
    return planned.results;
  }

  private async plan(runtimeTargetId: string, records: readonly unknown[], now: Date, lookup: PlacementLookup): Promise<Planned> {
    const validations = validateUsageRecords(records, now, { allowed_clock_skew_ms: ALLOWED_CLOCK_SKEW_MS });
    const metadata = this.metadataFor(runtimeTargetId, records, now);
    const recordedIds = validations.map((v) => (v.ok ? recordedEventId(runtimeTargetId, v.record.record_id) : null));
    const stored = await storedEventsById(this.platform.storage.db, recordedIds.filter((id): id is string => id !== null));

    // Distinct placements of the batch are asked for together (the lookup is memoized, so the loop reuses them).
    await Promise.all(validations.flatMap((v, i) => (v.ok && !stored.has(recordedIds[i] as string)
      ? [lookup(runtimeTargetId, v.record.namespace, v.record.window_start, v.record.window_end)] : [])));

    const results: UsageRecordResult[] = [];
    const appends = new Map<string, EventToAppend[]>();
    const accepted = new Map<string, { readonly index: number; readonly record: UsageRecord }>();
    const rejections: EventToAppend[] = [];
    const reject = (index: number, recordId: string | null, errors: readonly UsageRecordFieldError[]) => {
      const reason = rejectionReason(errors);
      const event = usageRecordRejected(recordId, reason, runtimeTargetId);
      rejections.push({ id: rejectedEventId(runtimeTargetId, records[index], reason), ...event, metadata });
      results.push({ record_id: recordId, status: 'rejected', errors });
    };

    for (const [index, validation] of validations.entries()) {
      if (!validation.ok) {
        reject(index, validation.record_id, validation.errors);
        continue;
      }
      const { record } = validation;
      const id = recordedIds[index] as string;
      const earlier = stored.get(id);
      if (earlier) {
        results.push(outcomeOfEarlier(earlier, record));
        continue;
      }
      const place = await lookup(runtimeTargetId, record.namespace, record.window_start, record.window_end);
      if (!place) {
        reject(index, record.record_id, [NOT_PLACED]);
        continue;
      }
      const event = usageEventFor(validation, { ...place, runtime_target_id: runtimeTargetId });
      const stream = usageStream(place.organization_id, place.namespace, usageDayOf(record.window_start));
      const streamEvents = appends.get(stream) ?? [];
      streamEvents.push({ id, ...event, metadata: { ...metadata, organization_id: place.organization_id } });
      appends.set(stream, streamEvents);
      accepted.set(id, { index, record });
      results.push({ record_id: record.record_id, status: 'accepted' });
    }

    const newRejections = await this.notYetStored(dedupeById(rejections));
    if (newRejections.length > 0) appends.set(usageRejectionsStream(runtimeTargetId), newRejections);
    return { results, appends, accepted };
  }

  private async notYetStored(events: readonly EventToAppend[]): Promise<EventToAppend[]> {
    const stored = await storedEventsById(this.platform.storage.db, events.map((e) => e.id));
    return events.filter((e) => !stored.has(e.id));
  }

  /** One append per stream, "any" revision: usage records are observations keyed by their ids, not decisions. */
  private async appendAll(planned: Planned): Promise<void> {
    const queue = [...planned.appends.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.appendNew(next[0], next[1], planned);
    };
    await Promise.all(Array.from({ length: Math.min(APPEND_CONCURRENCY, queue.length) }, worker));
  }

  /**
   * A concurrent report of the same records may get there between our check and our append. If it took all our
   * ids the store answers the append as an idempotent retry; if it took some, it refuses the append. Either way
   * the records already there are settled from what the store holds and the rest is appended again; each round
   * removes at least one event (or is one of a few busy rounds), so this ends.
   */
  private async appendNew(stream: string, events: readonly EventToAppend[], planned: Planned): Promise<void> {
    let pending = events;
    for (let busyRounds = 0; pending.length > 0;) {
      let refusal: WrongExpectedRevisionError | null = null;
      try {
        const result = await this.platform.store.append(stream, pending, 'any');
        if (!result.alreadyAppended) return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        refusal = error;
      }
      const stored = await storedEventsById(this.platform.storage.db, pending.map((e) => e.id));
      // Refused with none of our ids stored: the stream was only busy; try again a bounded number of times.
      if (stored.size === 0 && refusal && ++busyRounds > MAX_BUSY_ROUNDS) throw refusal;
      for (const [id, earlier] of stored) {
        const mine = planned.accepted.get(id);
        if (mine) planned.results[mine.index] = outcomeOfEarlier(earlier, mine.record);
      }
      pending = pending.filter((e) => !stored.has(e.id));
    }
  }

  /** The batch is the cause of its events; its fingerprint is stable, so a re-sent batch carries the same one. */
  private metadataFor(runtimeTargetId: string, records: readonly unknown[], now: Date): EventMetadata {
    const batch = `usage-batch:${createHash('sha256').update(runtimeTargetId).update('\u0000').update(safeJson(records)).digest('hex').slice(0, 32)}`;
    return {
      organization_id: null,
      actor: { id: runtimeTargetId, kind: 'runtime_target' },
      cause: batch,
      correlation_id: batch,
      occurred_at: now.toISOString(),
      schema_version: SCHEMA_VERSION,
    };
  }
}

/** Identical refusals in one batch (the same input twice) are one event. */
const dedupeById = (events: readonly EventToAppend[]): EventToAppend[] => [...new Map(events.map((e) => [e.id, e])).values()];

const safeJson = (value: unknown): string => {
  try {
    return canonicalJson(value) ?? 'undefined';
  } catch {
    return String(value);
  }
};
