import { Decider } from '../../../../libs/domain/shared/decider';
import { DomainCommand, DomainEvent } from '../../../../libs/domain/shared/event';
import { DomainError } from '../../../../libs/domain/shared/errors';
import { EventStore, handleCommand, HandleOptions, HandledCommand, loadState } from '../../../../libs/event-store/src';

export interface IdentityCommandOptions extends HandleOptions {
  /** Validate and decide exactly as for real, append nothing (`?dry_run=true`). */
  readonly dryRun?: boolean;
}

/**
 * `handleCommand`, or for a dry run the same load, If-Match check and decision with nothing
 * appended: the events it answers are the ones a real run would append now.
 */
export async function decideAndAppend<S, C extends DomainCommand, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  options: IdentityCommandOptions = {},
): Promise<HandledCommand<S, E>> {
  if (!options.dryRun) return handleCommand(store, decider, streamId, command, options);
  const { state, revision } = await loadState(store, decider, streamId);
  if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
    throw new DomainError('precondition_failed', `the resource changed since that ETag (current resource_version ${revision})`);
  }
  const events = decider.decide(command, state);
  return { events, state: events.reduce(decider.evolve, state), revision, position: null };
}
