import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  rejectionReason, usageDayOf, usageEventFor, UsageRecord, UsageRecordedData, UsageRecordFieldError, usageRecordRejected,
  usageRejectionsStream, usageStream, validateUsageRecords,
} from '../../../../libs/domain/usage';
import { EventMetadata } from '../../../../libs/domain/shared/event';
import { EventToAppend, SCHEMA_VERSION, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { canonicalJson } from '../http/canonical-json';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { memoizedPlacement, PlacementLookup } from './placement-lookup';
import { StoredEvent, storedEventsById } from './stored-events';
import { recordedEventId, rejectedEventId } from './usage-event-ids';

export type UsageRecordStatus = 'accepted' | 'duplicate' | 'rejected';

export interface UsageRecordResult {
  /** The record's id, or null when it had no usable one. */
  readonly record_id: string | null;
  /**
   * `accepted`: recorded (now, or by an earlier identical report: re-sending a batch answers as the first time);
   * `duplicate`: this record id was already recorded with different content, which stands (nothing changed);
   * `rejected`: refused, with the reasons in `errors` (the refusal is recorded as `UsageRecordRejected`).
   */
  readonly status: UsageRecordStatus;
  readonly errors?: readonly UsageRecordFieldError[];
}

/** Runtime-target clocks drift: a window may end this far after Cloud's `now`. */
export const ALLOWED_CLOCK_SKEW_MS = 60_000;
/** Streams appended to at once: distinct streams never conflict, so a batch's appends overlap. */
const APPEND_CONCURRENCY = 8;
/** A concurrent report of the same record makes an append fail as a whole; it is re-planned this often. */
const MAX_ATTEMPTS = 3;

const NOT_PLACED: UsageRecordFieldError = {
  field: 'namespace', message: 'is not a namespace assigned to this runtime target during the record window',
};
const CONFLICTING: UsageRecordFieldError = {
  field: 'record_id', message: 'was already recorded by this runtime target with different content; the first recording stands',
};

interface Planned {
  readonly results: UsageRecordResult[];
  /** New events per stream, in input order. */
  readonly appends: Map<string, EventToAppend[]>;
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
    const lookup = memoizedPlacement(placement);
    for (let attempt = 1; ; attempt++) {
      const planned = await this.plan(runtimeTargetId, records, now, lookup);
      try {
        await this.appendAll(planned.appends);
        return planned.results;
      } catch (error) {
        // Another report of the same records landed between our check and our append: plan again from the store.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
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
        results.push(sameRecord(earlier, record)
          ? { record_id: record.record_id, status: 'accepted' }
          : { record_id: record.record_id, status: 'duplicate', errors: [CONFLICTING] });
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
      results.push({ record_id: record.record_id, status: 'accepted' });
    }

    const newRejections = await this.notYetStored(dedupeById(rejections));
    if (newRejections.length > 0) appends.set(usageRejectionsStream(runtimeTargetId), newRejections);
    return { results, appends };
  }

  private async notYetStored(events: readonly EventToAppend[]): Promise<EventToAppend[]> {
    const stored = await storedEventsById(this.platform.storage.db, events.map((e) => e.id));
    return events.filter((e) => !stored.has(e.id));
  }

  /** One append per stream, "any" revision: usage records are observations keyed by their ids, not decisions. */
  private async appendAll(appends: ReadonlyMap<string, readonly EventToAppend[]>): Promise<void> {
    const queue = [...appends.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.platform.store.append(next[0], next[1], 'any');
    };
    await Promise.all(Array.from({ length: Math.min(APPEND_CONCURRENCY, queue.length) }, worker));
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

const sameRecord = (stored: StoredEvent, record: UsageRecord): boolean => {
  if (stored.type !== 'UsageRecorded') return false;
  const data = stored.data as UsageRecordedData;
  return data.runtime_namespace === record.namespace && data.action_type === record.action_type && data.quantity === record.quantity
    && data.window_start === record.window_start && data.window_end === record.window_end;
};

/** Identical refusals in one batch (the same input twice) are one event. */
const dedupeById = (events: readonly EventToAppend[]): EventToAppend[] => [...new Map(events.map((e) => [e.id, e])).values()];

const safeJson = (value: unknown): string => {
  try {
    return canonicalJson(value) ?? 'undefined';
  } catch {
    return String(value);
  }
};
