import { randomUUID } from 'node:crypto';
import { EventMetadata } from '../../../domain/shared/event';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../errors';
import { EventStore, EventToAppend, RecordedEvent } from '../event-store';
import { comparePositions, START } from '../position';

export interface ConformanceHarness {
  /** A store over an empty log. */
  readonly open: () => Promise<EventStore>;
  readonly close: () => Promise<void>;
}

const metadata = (organizationId: string | null = 'org_a'): EventMetadata => ({
  organization_id: organizationId,
  actor: { id: 'usr_1', kind: 'user' },
  cause: 'req_1',
  correlation_id: 'corr_1',
  occurred_at: '2026-05-01T00:00:00.000Z',
  schema_version: 1,
});

export const testEvent = (type = 'ThingHappened', data: unknown = { n: 1 }, organizationId?: string | null): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(organizationId),
});

/**
 * The behaviour every EventStore adapter must have. The PostgreSQL adapter runs it on a server and on
 * PGlite; the EventStoreDB adapter runs it against a server (EVENTSTORE_URL) or the protocol double.
 */
export function eventStoreConformance(harness: ConformanceHarness) {
  let store: EventStore;
  /** Stream names carry their organization after the category, as every domain stream name does. */
  const stream = (organizationId = 'org_a') => `thing-${organizationId}.${randomUUID()}`;

  beforeEach(async () => {
    store = await harness.open();
  });
  afterEach(async () => {
    await harness.close();
  });

  describe('append with an expected revision', () => {
    it('creates a stream with no_stream and numbers revisions from 0', async () => {
      const id = stream();
      const result = await store.append(id, [testEvent(), testEvent()], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.alreadyAppended).toBe(false);
      const read = await store.readStream(id);
      expect(read.map((e) => e.revision)).toEqual([0n, 1n]);
      expect(read[1].position).toEqual(result.position);
    });

    it('refuses no_stream on an existing stream with the actual revision', async () => {
      const id = stream();
      await store.append(id, [testEvent()], 'no_stream');
      const error = await store.append(id, [testEvent()], 'no_stream').catch((e) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error.actual).toBe(0n);
      expect(await store.readStream(id)).toHaveLength(1);
    });

    it('appends at the exact revision and refuses a stale one', async () => {
      const id = stream();
      await store.append(id, [testEvent()], 'no_stream');
      await store.append(id, [testEvent()], 0n);
      const error = await store.append(id, [testEvent()], 0n).catch((e) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error.actual).toBe(1n);
    });

    it('answers a typed missing-stream error when the stream must exist', async () => {
      const id = stream();
      await expect(store.append(id, [testEvent()], 0n)).rejects.toBeInstanceOf(StreamNotFoundError);
      await expect(store.append(id, [testEvent()], 'stream_exists')).rejects.toBeInstanceOf(StreamNotFoundError);
      expect(await store.readStream(id)).toEqual([]);
    });

    it('appends with any, whatever the stream holds', async () => {
      const id = stream();
      await store.append(id, [testEvent()], 'any');
      const result = await store.append(id, [testEvent()], 'any');
      expect(result.nextExpectedRevision).toBe(1n);
    });
  });

  describe('idempotent retries', () => {
    it('returns the original result and appends nothing when the same events are appended again', async () => {
      const id = stream();
      const events = [testEvent(), testEvent()];
      const first = await store.append(id, events, 'no_stream');
      const retry = await store.append(id, events, 'no_stream');
      expect(retry).toEqual({ ...first, alreadyAppended: true });
      const retryAny = await store.append(id, events, 'any');
      expect(retryAny.position).toEqual(first.position);
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('still refuses different events at a stale revision', async () => {
      const id = stream();
      await store.append(id, [testEvent()], 'no_stream');
      await expect(store.append(id, [testEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    });
  });

  describe('reading', () => {
    it('reads a stream in revision order with data and metadata intact', async () => {
      const id = stream();
      await store.append(id, [testEvent('A', { text: 'héllo "q"', nested: { list: [1, 2] } }), testEvent('B', {})], 'no_stream');
      const [a, b] = await store.readStream(id);
      expect(a).toMatchObject({ streamId: id, type: 'A', data: { text: 'héllo "q"', nested: { list: [1, 2] } } });
      expect(a.metadata.organization_id).toBe('org_a');
      expect(b.type).toBe('B');
      expect(await store.readStream(id, { fromRevision: 1n })).toHaveLength(1);
    });

    it('reads the global log in order, from an exclusive position, with limits and tenant filter', async () => {
      const head = (await store.append(stream(), [testEvent('Marker')], 'no_stream')).position;
      const ids = [stream(), stream('org_b')];
      await store.append(ids[0], [testEvent('A', {}, 'org_a')], 'no_stream');
      await store.append(ids[1], [testEvent('B', {}, 'org_b')], 'no_stream');
      await store.append(ids[0], [testEvent('C', {}, 'org_a')], 0n);
      const all = await eventually(() => store.readAll({ from: head }), (events) => events.length >= 3);
      expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(isSorted(all)).toBe(true);
      expect((await store.readAll({ from: all[0].position })).map((e) => e.type)).toEqual(['B', 'C']);
      expect((await store.readAll({ from: head, limit: 1 })).map((e) => e.type)).toEqual(['A']);
      expect((await store.readAll({ from: head, organizationId: 'org_b' })).map((e) => e.type)).toEqual(['B']);
      const headNow = await eventually(() => store.headPosition(), (p) => comparePositions(p, all[2].position) >= 0);
      expect(comparePositions(headNow, all[2].position)).toBe(0);
    });

    it("replays one organization: its own streams, and its events in platform-scoped streams", async () => {
      const organization = `org_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const head = (await store.append(stream(), [testEvent('Marker')], 'no_stream')).position;
      await store.append(stream(organization), [testEvent('Mine', {}, organization)], 'no_stream');
      await store.append(stream(`${organization}x`), [testEvent('LongerName', {}, `${organization}x`)], 'no_stream');
      await store.append(`api_key-${organization}-key_1`, [testEvent('MyKey', {}, organization)], 'no_stream');
      const shared = `runtime_namespace-rt_${randomUUID()}.ns`;
      await store.append(shared, [testEvent('OthersClaim', {}, 'org_other')], 'no_stream');
      await store.append(shared, [testEvent('MyClaim', {}, organization)], 0n);
      const mine = await eventually(() => store.readAll({ from: head, organizationId: organization }), (events) => events.length >= 3);
      expect(mine.map((e) => e.type)).toEqual(['Mine', 'MyKey', 'MyClaim']);
      expect((await store.readAll({ from: head, organizationId: organization, limit: 2 })).map((e) => e.type)).toEqual(['Mine', 'MyKey']);
    });

    it('reports the last committed position at once, as a barrier', async () => {
      const appended = await store.append(stream(), [testEvent()], 'no_stream');
      expect(comparePositions(await store.lastCommittedPosition(), appended.position)).toBe(0);
    });

    it('positions are bigint and ordered', async () => {
      await store.append(stream(), [testEvent()], 'no_stream');
      const [event] = (await store.readAll({ from: START })).slice(-1);
      expect(typeof event.position.commit).toBe('bigint');
      expect(typeof event.position.prepare).toBe('bigint');
    });
  });

  describe('subscribing', () => {
    it('catches up from a position, then follows live appends', async () => {
      const head = (await store.append(stream(), [testEvent('Marker')], 'no_stream')).position;
      const id = stream();
      await store.append(id, [testEvent('Before')], 'no_stream');
      const controller = new AbortController();
      const seen: RecordedEvent[] = [];
      const done = (async () => {
        for await (const batch of store.subscribeAll({ from: head, signal: controller.signal })) {
          seen.push(...batch);
          if (seen.length >= 3) controller.abort();
        }
      })();
      await waitUntil(() => seen.length >= 1);
      await store.append(id, [testEvent('Live1'), testEvent('Live2')], 0n);
      await done;
      expect(seen.map((e) => e.type)).toEqual(['Before', 'Live1', 'Live2']);
    });
  });
}

/**
 * Readers may see a commit a moment late (PostgreSQL: until every older transaction on the server has
 * ended), never out of order: read until the expected events are visible.
 */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const isSorted = (events: readonly RecordedEvent[]) =>
  events.every((event, i) => i === 0 || comparePositions(events[i - 1].position, event.position) < 0);

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
