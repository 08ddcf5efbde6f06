import {
  createEventStoreSchema, EventStore, EventStoreDbEventStore, PostgresEventStore, RecordedEvent,
} from '../../libs/event-store/src';
import { testEvent } from '../../libs/event-store/src/conformance/event-store-conformance';
import { EffectContext, FinalEffectError, ProcessDefinition, ProcessInput } from '../../libs/process-manager/src/process';
import { ProcessInputRecorded, processStream } from '../../libs/process-manager/src/process-events';
import { ProcessRunner } from '../../libs/process-manager/src/process-runner';
import { loadCheckpoint } from '../../libs/read-model/src/projection/checkpoints';
import { eventStorePairings, EventsUnderTest } from '../support/eventstoredb';
import { openTestStorage, TestStorage } from '../support/test-storage';
import { waitUntilAsync } from '../support/wait';

/**
 * The process-manager runtime (libs/process-manager) on both event stores: the instance streams, the feed's
 * subscription and its checkpoint go through the EventStore port, so the runner must behave the same with the
 * events in es_events and in EventStoreDB (read models, checkpoints and the instance table in PostgreSQL/PGlite).
 *
 * A toy process: an order placed → charge it (an effect, retried with backoff) → a settle timer → complete; a
 * charge refused for good → fail.
 */
interface ToyState { readonly placed: boolean }

const TOY: ProcessDefinition<ToyState> = {
  name: 'toy_order',
  reactsTo: ['ToyOrderPlaced'],
  processId: (event) => (event.data as { order_id: string }).order_id,
  initialState: () => ({ placed: false }),
  decide: (input: ProcessInput, state: ToyState) => {
    switch (input.kind) {
      case 'event':
        // A second event for the same order changes nothing: the charge is decided once.
        return state.placed ? [] : [{
          kind: 'effect', step: 'charge', effect: 'charge', params: { order_id: (input.data as { order_id: string }).order_id },
          retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 40 },
        }];
      case 'effect_succeeded':
        return [{ kind: 'timer', step: 'settle', at: new Date(Date.parse(input.at) + 20).toISOString() }];
      case 'timer_fired':
        return [{ kind: 'complete' }];
      case 'effect_failed':
        return [{ kind: 'fail', reason: input.error.message }];
    }
  },
  evolve: (state, message) => (message.kind === 'event' ? { placed: true } : state),
};

describe.each(eventStorePairings())('process runner, %s', (_label, openEvents) => {
  let events: EventsUnderTest;
  let storage: TestStorage;
  let store: EventStore;
  const run = `r${Date.now().toString(36)}`;
  const calls: { effectId: string; attempt: number }[] = [];
  const failuresLeft = new Map<string, number>();

  beforeAll(async () => {
    events = await openEvents();
    storage = await openTestStorage();
    if (events.url) store = new EventStoreDbEventStore(events.url, { resubscribeDelayMs: 20 });
    else {
      await createEventStoreSchema(storage.db);
      store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
    }
  });
  afterAll(async () => {
    await store.close();
    await storage.close();
    await events.close();
  });

  const charge = async (params: unknown, context: EffectContext) => {
    calls.push({ effectId: context.effectId, attempt: context.attempt });
    const order = (params as { order_id: string }).order_id;
    if (order.includes('refused')) throw new FinalEffectError('card refused');
    const left = failuresLeft.get(order) ?? 0;
    if (left > 0) {
      failuresLeft.set(order, left - 1);
      throw Object.assign(new Error('gateway unreachable'), { code: 'unreachable' });
    }
    return { charged: order };
  };

  const runner = (onStep?: (label: string) => void) => new ProcessRunner(store, storage.db, [TOY], { charge }, { pollIntervalMs: 20, onStep });
  const place = (order: string) => store.append(`toy-${order}`, [testEvent('ToyOrderPlaced', { order_id: order })], 'any');
  const callsOf = (order: string) => calls.filter((c) => c.effectId === `toy_order:${order}:charge`);
  const inputs = async (order: string) => (await store.readStream(processStream('toy_order', order)))
    .filter((e): e is RecordedEvent & ProcessInputRecorded => e.type === 'ProcessInputRecorded')
    .map((e) => e.data.input.kind);
  const ended = (active: ProcessRunner, order: string) =>
    waitUntilAsync(async () => ['completed', 'failed'].includes((await active.load('toy_order', order)).envelope.status), 20_000, 20);

  it('records each input with its outputs before carrying them out, retries with backoff under one effect id, fires timers and records the give-up', async () => {
    const active = runner();
    await active.migrate();
    active.start();
    try {
      const [ok, flaky, refused] = [`${run}-ok`, `${run}-flaky`, `${run}-refused`];
      failuresLeft.set(flaky, 2);
      for (const order of [ok, flaky, refused]) await place(order);
      for (const order of [ok, flaky, refused]) await ended(active, order);

      expect((await active.load('toy_order', ok)).envelope.status).toBe('completed');
      expect(await inputs(ok)).toEqual(['event', 'effect_succeeded', 'timer_fired']);
      expect(callsOf(ok)).toEqual([{ effectId: `toy_order:${ok}:charge`, attempt: 1 }]);
      // The effect was recorded as decided with the first input, before the executor ran.
      const [first] = await store.readStream(processStream('toy_order', ok));
      expect((first.data as ProcessInputRecorded['data']).outputs).toEqual([expect.objectContaining({ kind: 'effect', step: 'charge' })]);

      expect((await active.load('toy_order', flaky)).envelope.status).toBe('completed');
      expect(callsOf(flaky).map((c) => c.attempt)).toEqual([1, 2, 3]);
      expect((await store.readStream(processStream('toy_order', flaky))).map((e) => e.type)).toEqual([
        'ProcessInputRecorded', 'ProcessEffectAttemptFailed', 'ProcessEffectAttemptFailed', 'ProcessInputRecorded', 'ProcessInputRecorded',
      ]);

      const gaveUp = await active.load('toy_order', refused);
      expect(gaveUp.envelope).toMatchObject({ status: 'failed', failure: 'card refused' });
      expect(await inputs(refused)).toEqual(['event', 'effect_failed']);
      expect(callsOf(refused)).toHaveLength(1);
    } finally {
      await active.stop();
    }
  });

  it('resumes from its checkpoint after a restart: no event fed twice, no finished effect carried out again', async () => {
    const [a, b, c] = [`${run}-a`, `${run}-b`, `${run}-c`];
    const first = runner();
    await first.migrate();
    first.start();
    await place(a);
    await place(b);
    await ended(first, a);
    await ended(first, b);
    await first.stop();

    await place(c);
    const last = await place(a); // a second event for a finished order: fed once, decides nothing
    const second = runner();
    second.start();
    try {
      await ended(second, c);
      await waitUntilAsync(async () => {
        const checkpoint = await loadCheckpoint(storage.db, 'process:toy_order');
        return checkpoint.commit === last.position.commit && checkpoint.prepare === last.position.prepare;
      }, 20_000, 20);
      await waitUntilAsync(async () => (await inputs(a)).filter((kind) => kind === 'event').length === 2, 20_000, 20);
    } finally {
      await second.stop();
    }
    for (const order of [a, b, c]) expect(callsOf(order)).toHaveLength(1);
    expect(await inputs(b)).toEqual(['event', 'effect_succeeded', 'timer_fired']);
    expect(await inputs(a)).toEqual(['event', 'effect_succeeded', 'timer_fired', 'event']);
  });

  it('finishes, after a crash between recording an input and carrying out its effect, what was recorded — once', async () => {
    const order = `${run}-crash`;
    let stopped: Promise<void> | undefined;
    const crashing: ProcessRunner = runner((label) => {
      if (label !== 'process:toy_order:recorded' || stopped) return;
      // Dies right after the input and its decided effect are recorded: the effect is not carried out.
      stopped = crashing.stop();
      throw new Error('crash point');
    });
    crashing.start();
    await place(order);
    await waitUntilAsync(async () => stopped !== undefined, 20_000, 20);
    await stopped;
    expect(await inputs(order)).toEqual(['event']);
    expect(callsOf(order)).toEqual([]);

    const restarted = runner();
    restarted.start();
    try {
      await ended(restarted, order);
    } finally {
      await restarted.stop();
    }
    expect(await inputs(order)).toEqual(['event', 'effect_succeeded', 'timer_fired']);
    expect(callsOf(order)).toEqual([{ effectId: `toy_order:${order}:charge`, attempt: 1 }]);
  });
});
