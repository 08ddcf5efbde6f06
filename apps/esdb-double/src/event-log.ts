import { EventEmitter } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One record of the double's log: what EventStoreDB keeps of an event. */
export interface LogRecord {
  /** Commit and prepare position: one number, as on a single-node EventStoreDB outside explicit transactions. */
  readonly position: bigint;
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly customMetadata: Buffer;
  /** .NET ticks (100 ns since the Unix epoch, as the server sends them in `created`). */
  readonly created: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly customMetadata: Buffer;
}

export type Expectation =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  /** `position` is null for an idempotent repeat: the server reports no new position then. */
  | { readonly ok: true; readonly currentRevision: bigint; readonly position: bigint | null }
  | { readonly ok: false; readonly currentRevision: bigint; readonly expected: Expectation };

/** Every record is followed by this much "log" so positions grow like byte offsets, not like 0, 1, 2. */
const RECORD_OVERHEAD = 97n;

/**
 * The double's transaction log: an ordered list of records with a per-stream index. Kept in memory,
 * and appended to a file (one JSON line per record) when a path is given, so a restarted double
 * serves the same log at the same positions.
 */
export class EventLog extends EventEmitter {
  readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, number[]>();
  private nextPosition = 0n;
  private fd: number | null = null;

  constructor(readonly path?: string) {
    super();
    this.setMaxListeners(0);
    if (path && existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.remember(fromJson(JSON.parse(line)));
      }
    }
    if (path) this.fd = openSync(path, 'a');
    if (this.records.length === 0) {
      // A fresh EventStoreDB log starts with system records; readers of $all must filter them out.
      this.write('$epochs', [{
        id: '00000000-0000-4000-8000-000000000001', type: '$epoch-information', contentType: 'application/json',
        data: Buffer.from('{"epochNumber":0}'), customMetadata: Buffer.alloc(0),
      }]);
    }
  }

  streamRecords(streamName: string): LogRecord[] {
    return (this.streams.get(streamName) ?? []).map((index) => this.records[index]);
  }

  currentRevision(streamName: string): bigint {
    const indexes = this.streams.get(streamName);
    return indexes ? BigInt(indexes.length - 1) : -1n;
  }

  /** The index of the first record strictly after `position` (or at it when `inclusive`). */
  indexAfter(position: bigint, inclusive = false): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const p = this.records[mid].position;
      if (inclusive ? p < position : p <= position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * EventStoreDB's append rules: the expectation must hold, unless the very same event ids already
   * sit where this append would have put them — then it is an idempotent repeat and nothing is written.
   */
  append(streamName: string, expected: Expectation, events: readonly ProposedEvent[]): AppendOutcome {
    const current = this.currentRevision(streamName);
    const repeat = this.idempotentRepeat(streamName, expected, events);
    if (repeat !== null) return { ok: true, currentRevision: repeat, position: null };
    const holds = expected.kind === 'any'
      || (expected.kind === 'no_stream' && current === -1n)
      || (expected.kind === 'stream_exists' && current >= 0n)
      || (expected.kind === 'revision' && current === expected.revision);
    if (!holds) return { ok: false, currentRevision: current, expected };
    if (events.length === 0) return { ok: true, currentRevision: current, position: null };
    const last = this.write(streamName, events);
    return { ok: true, currentRevision: last.revision, position: last.position };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.removeAllListeners();
  }

  private idempotentRepeat(streamName: string, expected: Expectation, events: readonly ProposedEvent[]): bigint | null {
    if (events.length === 0) return null;
    const existing = this.streamRecords(streamName);
    let start: number;
    if (expected.kind === 'no_stream') start = 0;
    else if (expected.kind === 'revision') start = Number(expected.revision) + 1;
    else start = existing.findIndex((record) => record.id === events[0].id);
    if (start < 0 || start + events.length > existing.length) return null;
    for (let i = 0; i < events.length; i++) if (existing[start + i].id !== events[i].id) return null;
    return BigInt(start + events.length - 1);
  }

  private write(streamName: string, events: readonly ProposedEvent[]): LogRecord {
    let revision = this.currentRevision(streamName);
    const created = BigInt(Date.now()) * 10_000n;
    let last: LogRecord | undefined;
    const lines: string[] = [];
    for (const event of events) {
      revision += 1n;
      last = { ...event, streamName, revision, created, position: this.nextPosition };
      this.remember(last);
      if (this.fd !== null) lines.push(JSON.stringify(toJson(last)));
    }
    if (this.fd !== null) writeSync(this.fd, lines.join('\n') + '\n');
    this.emit('appended');
    return last!;
  }

  private remember(record: LogRecord): void {
    const indexes = this.streams.get(record.streamName) ?? [];
    if (indexes.length === 0) this.streams.set(record.streamName, indexes);
    indexes.push(this.records.length);
    this.records.push(record);
    this.nextPosition = record.position + BigInt(record.data.length + record.customMetadata.length) + RECORD_OVERHEAD;
  }
}

interface RecordJson {
  p: string; s: string; r: string; i: string; t: string; c: string; d: string; m: string; at: string;
}

const toJson = (r: LogRecord): RecordJson => ({
  p: r.position.toString(), s: r.streamName, r: r.revision.toString(), i: r.id, t: r.type, c: r.contentType,
  d: r.data.toString('base64'), m: r.customMetadata.toString('base64'), at: r.created.toString(),
});

const fromJson = (j: RecordJson): LogRecord => ({
  position: BigInt(j.p), streamName: j.s, revision: BigInt(j.r), id: j.i, type: j.t, contentType: j.c,
  data: Buffer.from(j.d, 'base64'), customMetadata: Buffer.from(j.m, 'base64'), created: BigInt(j.at),
});
