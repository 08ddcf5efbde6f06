import { DomainEvent } from '../../domain/shared/event';
import { RecordedEvent } from './event-store';

/**
 * Turns the data of an event recorded under an older schema version into the shape code reads today.
 * Events are forever: a recorded event is never rewritten, and a change of meaning is a new event
 * type, so an upcaster only fills what an older writer left out.
 */
export type Upcaster = (data: unknown, schemaVersion: number) => unknown;

/** A recorded event as the decoder needs it (the store's record, or a process input carrying one). */
export type EventRecord = Pick<RecordedEvent, 'type' | 'data'> & { readonly metadata?: { readonly schema_version?: number } };

export interface EventDecoder {
  /** The event as handlers, processes and projectors read it: its type and its upcast data. */
  decode<E extends DomainEvent>(recorded: EventRecord): E;
  /** The event when its type is one of `types` (a type guard for a reader of several kinds), else null. */
  decodeOneOf<E extends DomainEvent>(recorded: EventRecord, types: ReadonlySet<E['type']>): E | null;
}

export function createEventDecoder(upcasters: ReadonlyMap<string, Upcaster>): EventDecoder {
  const decode = <E extends DomainEvent>(recorded: EventRecord): E => {
    const upcast = upcasters.get(recorded.type);
    const data = upcast ? upcast(recorded.data, recorded.metadata?.schema_version ?? 1) : recorded.data;
    return { type: recorded.type, data } as E;
  };
  return {
    decode,
    decodeOneOf: <E extends DomainEvent>(recorded: EventRecord, types: ReadonlySet<E['type']>) =>
      (types.has(recorded.type) ? decode<E>(recorded) : null),
  };
}

/**
 * The upcasters of the control plane's events, by type. None is needed yet: every shape change so far
 * was released as a new event type. The one seam every reader goes through is where one would go.
 */
export const UPCASTERS: ReadonlyMap<string, Upcaster> = new Map();

const decoder = createEventDecoder(UPCASTERS);
export const decodeEvent = decoder.decode;
export const decodeOneOf = decoder.decodeOneOf;
