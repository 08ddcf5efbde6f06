import { DomainCommand } from '../../shared/event';

/** The handler has checked that `project` exists; the decider guards the environment itself. */
export type CreateEnvironment = DomainCommand<'CreateEnvironment', {
  readonly environment_id: string; readonly project: string; readonly name: string; readonly description?: string;
}>;
export type UpdateEnvironment = DomainCommand<'UpdateEnvironment', { readonly description: string }>;
export type EnvironmentCommand = CreateEnvironment | UpdateEnvironment;
