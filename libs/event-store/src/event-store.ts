import { EventMetadata } from '../../domain/shared/event';
import { GlobalPosition } from './position';

/** Expected stream state for optimistic concurrency, as EventStoreDB names them. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventToAppend {
  /** Deterministic per command and index, so a retried append is recognised and not duplicated. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  /** Zero-based revision of the event within its stream. */
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: GlobalPosition;
  /** True when every event was already there (an idempotent retry): nothing was appended. */
  readonly alreadyAppended: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  readonly from?: GlobalPosition;
  readonly limit?: number;
  /**
   * Only events of this organization (tenant-scoped replay). Stream names carry the organization right
   * after the category (`project-<org>.<name>`), so an adapter may select the organization's streams
   * by name (EventStoreDB filters them on the server) plus the few platform-scoped streams keyed by
   * runtime target, from which it keeps the events whose metadata names the organization.
   */
  readonly organizationId?: string;
  readonly types?: readonly string[];
}

export interface SubscribeOptions extends Omit<ReadAllOptions, 'limit'> {
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * The event store port. Both adapters (PostgreSQL, EventStoreDB) pass the same conformance suite
 * (`libs/event-store/src/conformance`).
 */
export interface EventStore {
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  /** All events of one stream in revision order; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: { fromRevision?: bigint; limit?: number }): Promise<RecordedEvent[]>;
  /** Events of the global log after `from`, in log order, only those no earlier-committing writer can precede. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Catch up from `from`, then follow live, in batches; ends when `signal` aborts. An empty batch means
   * "caught up": sent each time the subscription reaches the head, like EventStoreDB's caught-up signal.
   */
  subscribeAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** The position of the last event readers can see now (START when the log is empty). */
  headPosition(): Promise<GlobalPosition>;
  /**
   * The position of the last committed event, visible to readers yet or not: a barrier ("wait until
   * the projections hold everything written before this read"), never a place to start reading from.
   */
  lastCommittedPosition(): Promise<GlobalPosition>;
  close(): Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
}

/**
 * An optional capability of an adapter: appends to several distinct streams in one transaction, all or
 * nothing, so a caller that owns a batch of many streams' writes (usage ingestion) pays one commit for all
 * of them. Answers null, with nothing appended, when any part would not be appended exactly as given (a
 * revision moved on, or a repeat of an earlier append); the caller then appends stream by stream, which
 * explains each part. The PostgreSQL adapter offers it; EventStoreDB has no multi-stream transaction.
 */
export interface MultiStreamAppend {
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[] | null>;
}

export const appendsToStreams = (store: EventStore): store is EventStore & MultiStreamAppend =>
  typeof (store as Partial<MultiStreamAppend>).appendToStreams === 'function';
