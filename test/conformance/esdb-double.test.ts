import { randomUUID } from 'node:crypto';
import {
  BACKWARDS, END, EventStoreDBClient, FORWARDS, jsonEvent, START, StreamNotFoundError, streamNameFilter, WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EsdbDouble, startEsdbDouble } from '../../apps/esdb-double/src/server';

/**
 * The protocol double through the unmodified client, on the behaviours the adapter does not itself
 * exercise: backwards reads, reads from a position (inclusive forwards), stream subscriptions,
 * prefix filters with checkpoints, the expected-revision rules and idempotent repeats.
 */
describe('the EventStoreDB protocol double through @eventstore/db-client', () => {
  let double: EsdbDouble;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    double = await startEsdbDouble();
    client = EventStoreDBClient.connectionString(double.url);
  });
  afterAll(async () => {
    await client.dispose();
    await double.close();
  });

  const events = (n: number, type = 'Happened') => Array.from({ length: n }, (_, i) => jsonEvent({ id: randomUUID(), type, data: { i } }));
  const collect = async <T>(read: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const item of read) out.push(item);
    return out;
  };

  it('applies the expected-revision rules and answers WrongExpectedVersion with the current revision', async () => {
    const stream = `rules-${randomUUID()}`;
    await expect(client.appendToStream(stream, events(1), { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await client.appendToStream(stream, events(2), { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(1n);
    const stale = await client.appendToStream(stream, events(1), { expectedRevision: 0n }).catch((e) => e);
    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale.actualVersion).toBe(1n);
    expect(stale.expectedVersion).toBe(0n);
    expect((await client.appendToStream(stream, events(1), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(2n);
    expect((await client.appendToStream(stream, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(3n);
  });

  it('treats the same ids at the same place as a repeat: success, no new position, nothing written', async () => {
    const stream = `repeat-${randomUUID()}`;
    const batch = events(2);
    const first = await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    expect(first.position).toBeDefined();
    const repeat = await client.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
    expect(repeat).toMatchObject({ success: true, nextExpectedRevision: 1n, position: undefined });
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });

  it('reads a stream forwards and backwards from a revision, and says when it does not exist', async () => {
    const stream = `read-${randomUUID()}`;
    await client.appendToStream(stream, events(5), { expectedRevision: 'no_stream' });
    const forwards = await collect(client.readStream(stream, { fromRevision: 2n, direction: FORWARDS }));
    expect(forwards.map((e) => e.event!.revision)).toEqual([2n, 3n, 4n]);
    const backwards = await collect(client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 2 }));
    expect(backwards.map((e) => e.event!.revision)).toEqual([4n, 3n]);
    await expect(collect(client.readStream(`missing-${randomUUID()}`))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('reads $all forwards from a position including it, backwards from a position excluding it', async () => {
    const stream = `all-${randomUUID()}`;
    await client.appendToStream(stream, events(3), { expectedRevision: 'no_stream' });
    const mine = (await collect(client.readAll({ fromPosition: START }))).filter((e) => e.event!.streamId === stream);
    const middle = mine[1].event!.position!;
    const forwards = await collect(client.readAll({ fromPosition: middle, maxCount: 2 }));
    expect(forwards.map((e) => e.event!.revision)).toEqual([1n, 2n]);
    const backwards = await collect(client.readAll({ fromPosition: middle, direction: BACKWARDS, maxCount: 1 }));
    expect(backwards.map((e) => e.event!.revision)).toEqual([0n]);
    const last = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    expect(last[0].event!.id).toBe(mine[2].event!.id);
    expect((await collect(client.readAll({ fromPosition: START, maxCount: 1 })))[0].event!.streamId).toBe('$epochs');
  });

  it('subscribes to a stream after a revision, then live', async () => {
    const stream = `sub-${randomUUID()}`;
    await client.appendToStream(stream, events(3), { expectedRevision: 'no_stream' });
    const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
    const seen: bigint[] = [];
    const caughtUp = new Promise((resolve) => subscription.once('caughtUp', resolve));
    subscription.on('data', (e) => seen.push(e.event!.revision));
    await caughtUp;
    expect(seen).toEqual([1n, 2n]);
    await client.appendToStream(stream, events(1), { expectedRevision: 2n });
    const deadline = Date.now() + 10_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.unsubscribe();
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  it('filters a $all subscription by stream prefix on the server, with confirmation, checkpoints and caught-up', async () => {
    const prefix = `flt${randomUUID().slice(0, 8)}-`;
    for (let i = 0; i < 40; i++) await client.appendToStream(`noise-${randomUUID()}`, events(1), { expectedRevision: 'no_stream' });
    await client.appendToStream(`${prefix}a`, events(2), { expectedRevision: 'no_stream' });
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [prefix], checkpointInterval: 1, checkpointReached: (_s, position) => { checkpoints.push(position.commit); } }),
    });
    let confirmed = false;
    subscription.on('confirmation', () => { confirmed = true; });
    const streams: string[] = [];
    await new Promise<void>((resolve) => {
      subscription.on('data', (e) => streams.push(e.event!.streamId));
      subscription.on('caughtUp', () => resolve());
    });
    await subscription.unsubscribe();
    expect(confirmed).toBe(true);
    expect(streams).toEqual([`${prefix}a`, `${prefix}a`]);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect([...checkpoints].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(checkpoints);
  });
});
