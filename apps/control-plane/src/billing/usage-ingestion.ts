import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  rejectionReason, usageDayOf, usageEventFor, UsageRecord, UsageRecordFieldError, usageRecordRejected,
  usageRejectionsStream, usageStream, validateUsageRecords,
} from '../../../../libs/domain/usage';
import { EventMetadata } from '../../../../libs/domain/shared/event';
import { appendsToStreams, EventToAppend, SCHEMA_VERSION, StreamNotFoundError, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { canonicalJson } from '../http/canonical-json';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { memoizedPlacement, PlacementLookup } from './placement-lookup';
import { IndexedEvent, indexedEventsById, indexedThroughEach, indexEvents, StoredEvent } from './usage-event-index';
import { recordedEventId, rejectedEventId } from './usage-event-ids';
import { NOT_PLACED, outcomeOfEarlier, UsageRecordResult } from './usage-record-result';

export type { UsageRecordResult, UsageRecordStatus } from './usage-record-result';

/** Runtime-target clocks drift: a window may end this far after Cloud's `now`. */
export const ALLOWED_CLOCK_SKEW_MS = 60_000;
/** Streams appended to at once: distinct streams never conflict, so a batch's appends overlap. */
const APPEND_CONCURRENCY = 8;
/** Appends refused with nothing new in the stream (an id taken in another stream, not yet indexed) are retried this often. */
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
 * appended again, and a re-sent batch appends nothing and gets the same outcomes. What the store holds is known
 * through the event-store port and the usage event index (`usage-event-index.ts`), never from one store's tables,
 * so this holds with the events in es_events and in EventStoreDB alike.
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
    const stored = await indexedEventsById(this.platform.storage.db, recordedIds.filter((id): id is string => id !== null));

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
    const stored = await indexedEventsById(this.platform.storage.db, events.map((e) => e.id));
    return events.filter((e) => !stored.has(e.id));
  }

  /**
   * One append per stream, at the revision the index holds for it (read for the whole batch in one statement):
   * distinct streams never conflict, so they overlap. The appended events are indexed together once every
   * stream is settled, those of a failed batch included; a crash before that leaves them to the next report's
   * tail read.
   */
  private async appendAll(planned: Planned): Promise<void> {
    const db = this.platform.storage.db;
    const queue = [...planned.appends.entries()];
    const known = await indexedThroughEach(db, queue.map(([stream]) => stream));
    if (await this.appendInOneTransaction(queue, known)) return;
    const appended: IndexedEvent[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        appended.push(...await this.appendNew(next[0], next[1], known.get(next[0]) ?? -1n, planned));
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(APPEND_CONCURRENCY, queue.length) }, worker));
    } finally {
      await indexEvents(db, appended);
    }
  }

  /**
   * Where the store commits many streams at once (PostgreSQL), the whole batch is one transaction at the indexed
   * revisions. False when the store cannot, or any stream moved on past its index (a concurrent report, a crash
   * before the index write): nothing was appended then, and the streams are appended one by one.
   */
  private async appendInOneTransaction(queue: readonly (readonly [string, EventToAppend[]])[], known: ReadonlyMap<string, bigint>): Promise<boolean> {
    const store = this.platform.store;
    if (queue.length < 2 || !appendsToStreams(store)) return false;
    const expectedOf = (stream: string) => known.get(stream) ?? 'no_stream';
    const results = await store.appendToStreams(queue.map(([streamId, events]) => ({ streamId, events, expected: expectedOf(streamId) })));
    if (!results) return false;
    await indexEvents(this.platform.storage.db, queue.flatMap(([stream, events], part) => {
      const first = results[part].nextExpectedRevision - BigInt(events.length - 1);
      return events.map((e, i) => ({ id: e.id, streamId: stream, revision: first + BigInt(i), type: e.type, data: e.data }));
    }));
    return true;
  }

  /**
   * Appends at `known`, the last revision the index holds. Refused (or a repeat), it reads the stream's tail past
   * `known` — events a concurrent report appended since the plan, or that a crash kept out of the index — settles
   * the records found there from what they hold, and appends the rest at the revision it read. Each round either
   * appends or learns something new. An id taken in another stream (the same record id reported with another
   * namespace or day) is found in the index; until the report that took it has indexed it, the refusal repeats, a
   * bounded number of times. Answers the events it appended, with their revisions, for the index.
   */
  private async appendNew(stream: string, events: readonly EventToAppend[], indexed: bigint, planned: Planned): Promise<IndexedEvent[]> {
    const db = this.platform.storage.db;
    let pending = events;
    let known = indexed;
    let refusal: WrongExpectedRevisionError | StreamNotFoundError | null = null;
    for (let busyRounds = 0, round = 0; ; round++) {
      if (round > 0) {
        const tail = await this.platform.store.readStream(stream, { fromRevision: known + 1n });
        await indexEvents(db, tail);
        if (tail.length > 0) known = tail[tail.length - 1].revision;
        const stored = new Map<string, StoredEvent>(tail.map((e) => [e.id, { type: e.type, data: e.data }]));
        for (const [id, earlier] of await indexedEventsById(db, pending.filter((e) => !stored.has(e.id)).map((e) => e.id))) stored.set(id, earlier);
        for (const event of pending) {
          const earlier = stored.get(event.id);
          const mine = planned.accepted.get(event.id);
          if (earlier && mine) planned.results[mine.index] = outcomeOfEarlier(earlier, mine.record);
        }
        pending = pending.filter((e) => !stored.has(e.id));
        if (pending.length === 0) return [];
        // Refused, and nothing new in the stream: an id of ours is taken elsewhere and not indexed yet.
        if (refusal && tail.length === 0) {
          if (++busyRounds > MAX_BUSY_ROUNDS) throw refusal;
          await new Promise((resolve) => setTimeout(resolve, 10 * busyRounds));
        }
      }
      try {
        const result = await this.platform.store.append(stream, pending, known === -1n ? 'no_stream' : known);
        refusal = null;
        // A repeat: the events are in the stream past what the index holds; the next round's tail settles them.
        if (result.alreadyAppended) {
          if (++busyRounds > MAX_BUSY_ROUNDS) throw new Error(`usage stream ${stream}: the append was a repeat, yet its events are not in the stream`);
          continue;
        }
        const first = result.nextExpectedRevision - BigInt(pending.length - 1);
        return pending.map((e, i) => ({ id: e.id, streamId: stream, revision: first + BigInt(i), type: e.type, data: e.data }));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof StreamNotFoundError)) throw error;
        refusal = error;
      }
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
