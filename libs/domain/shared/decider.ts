import { DomainCommand, DomainEvent } from './event';

/**
 * An aggregate as a decider (after Emmett / Jérémie Chassaing): pure functions only.
 * `decide` either returns the events to append or throws a DomainError.
 */
export interface Decider<State, Command extends DomainCommand, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
}

export const fold = <State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());

export const assertNever = (value: never): never => {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
};
