import { Decider, fold } from '../../domain/shared/decider';
import { DomainCommand, DomainEvent, EventMetadata } from '../../domain/shared/event';
import { DomainError } from '../../domain/shared/errors';
import { WrongExpectedRevisionError } from './errors';
import { deterministicEventId } from './event-ids';
import { EventStore, ExpectedRevision, RecordedEvent } from './event-store';
import { decodeEvent } from './event-decoding';
import { GlobalPosition } from './position';

/** Bump when an event's data shape changes: the new shape is a new version, old ones are upcast on read. */
export const SCHEMA_VERSION = 1;

export interface HandledCommand<State, Event> {
  readonly events: readonly Event[];
  readonly state: State;
  /** Stream revision after the command (-1n: the stream still does not exist). */
  readonly revision: bigint;
  /** Global position of the last event, or null when the command changed nothing. */
  readonly position: GlobalPosition | null;
}

export interface HandleOptions {
  /** From `If-Match`: the revision the client saw. A mismatch is a conflict, never retried. */
  readonly expectedRevision?: bigint;
  readonly maxAttempts?: number;
  /** Validate and decide exactly as for real, append nothing (`?dry_run=true`). */
  readonly dryRun?: boolean;
}

export const metadataFor = (context: DomainCommand['context']): EventMetadata => ({
  organization_id: context.organization_id,
  actor: context.actor,
  cause: context.request_id,
  correlation_id: context.correlation_id,
  occurred_at: context.now,
  schema_version: SCHEMA_VERSION,
});

/**
 * Load, decide, append with the exact expected revision. On a concurrent write the decision is taken
 * again on the fresh state (a bounded number of times), unless the client pinned a revision.
 */
export async function handleCommand<S, C extends DomainCommand, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  options: HandleOptions = {},
): Promise<HandledCommand<S, E>> {
  const attempts = options.expectedRevision === undefined ? (options.maxAttempts ?? 3) : 1;
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(streamId);
    const revision = recorded.length === 0 ? -1n : recorded[recorded.length - 1].revision;
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) throw stale(revision);
    const state = fold(decider, recorded.map((e) => decodeEvent<E>(e)));
    const replayed = alreadyHandled(recorded, command.context.command_id);
    if (replayed.length > 0) {
      // This very command was appended before (a retry after a lost response): answer as the first time.
      const last = replayed[replayed.length - 1];
      return { events: replayed.map((e) => decodeEvent<E>(e)), state, revision, position: last.position };
    }
    const events = decider.decide(command, state);
    if (events.length === 0 || options.dryRun) return { events, state: events.reduce(decider.evolve, state), revision, position: null };
    const expected: ExpectedRevision = revision === -1n ? 'no_stream' : revision;
    const metadata = metadataFor(command.context);
    try {
      const result = await store.append(streamId, events.map((event, index) => ({
        id: deterministicEventId(command.context.command_id, index),
        type: event.type,
        data: event.data,
        metadata,
      })), expected);
      return { events, state: events.reduce(decider.evolve, state), revision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= attempts) {
        throw error instanceof WrongExpectedRevisionError && options.expectedRevision !== undefined ? stale(error.actual) : error;
      }
    }
  }
}

/** The client's If-Match no longer holds: 412, and the current revision so it can re-read. */
const stale = (actual: bigint) =>
  new DomainError('precondition_failed', `the resource changed since that ETag (current resource_version ${actual})`);

function alreadyHandled(recorded: readonly RecordedEvent[], commandId: string): RecordedEvent[] {
  const first = deterministicEventId(commandId, 0);
  const start = recorded.findIndex((e) => e.id === first);
  if (start === -1) return [];
  const events: RecordedEvent[] = [];
  for (let i = start; i < recorded.length && recorded[i].id === deterministicEventId(commandId, i - start); i++) events.push(recorded[i]);
  return events;
}

/** Fold a stream into its decider state (for handlers that check a parent or another aggregate). */
export async function loadState<S, E extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<S, never, E>, 'initialState' | 'evolve'>,
  streamId: string,
): Promise<{ state: S; revision: bigint }> {
  const recorded = await store.readStream(streamId);
  return {
    state: fold(decider, recorded.map((e) => decodeEvent<E>(e))),
    revision: recorded.length === 0 ? -1n : recorded[recorded.length - 1].revision,
  };
}
