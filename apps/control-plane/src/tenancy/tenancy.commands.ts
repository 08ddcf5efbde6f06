import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { environmentDecider } from '../../../../libs/domain/tenancy/environment/decider';
import { EnvironmentCommand } from '../../../../libs/domain/tenancy/environment/commands';
import { namespaceDecider } from '../../../../libs/domain/tenancy/namespace/decider';
import { NamespaceCommand } from '../../../../libs/domain/tenancy/namespace/commands';
import { organizationDecider } from '../../../../libs/domain/tenancy/organization/decider';
import { projectDecider } from '../../../../libs/domain/tenancy/project/decider';
import { ProjectCommand } from '../../../../libs/domain/tenancy/project/commands';
import { environmentStream, namespaceStream, organizationStream, projectStream } from '../../../../libs/domain/tenancy/streams';
import { notFound } from '../../../../libs/domain/shared/errors';
import { handleCommand, HandleOptions, loadState } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command messages: one per aggregate, carrying the pure domain command and the stream's key. */
export class ExecuteProjectCommand {
  constructor(readonly organizationId: string, readonly project: string, readonly command: ProjectCommand, readonly options: HandleOptions = {}) {}
}
export class ExecuteEnvironmentCommand {
  constructor(readonly organizationId: string, readonly project: string, readonly environment: string,
    readonly command: EnvironmentCommand, readonly options: HandleOptions = {}) {}
}
export class ExecuteNamespaceCommand {
  constructor(readonly organizationId: string, readonly namespace: string, readonly command: NamespaceCommand, readonly options: HandleOptions = {}) {}
}

@CommandHandler(ExecuteProjectCommand)
export class ProjectCommandHandler implements ICommandHandler<ExecuteProjectCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, project, command, options }: ExecuteProjectCommand) {
    return handleCommand(this.platform.store, projectDecider, projectStream(organizationId, project), command, options);
  }
}

@CommandHandler(ExecuteEnvironmentCommand)
export class EnvironmentCommandHandler implements ICommandHandler<ExecuteEnvironmentCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  async execute({ organizationId, project, environment, command, options }: ExecuteEnvironmentCommand) {
    if (command.type === 'CreateEnvironment') {
      const parent = await loadState(this.platform.store, projectDecider, projectStream(organizationId, project));
      if (parent.state.status !== 'active') throw notFound(`project ${project}`);
    }
    return handleCommand(this.platform.store, environmentDecider, environmentStream(organizationId, project, environment), command, options);
  }
}

@CommandHandler(ExecuteNamespaceCommand)
export class NamespaceCommandHandler implements ICommandHandler<ExecuteNamespaceCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  async execute({ organizationId, namespace, command, options }: ExecuteNamespaceCommand) {
    if (command.type === 'CreateNamespace') {
      const { project, environment } = command.data;
      const parent = await loadState(this.platform.store, environmentDecider, environmentStream(organizationId, project, environment));
      if (parent.state.status !== 'active') throw notFound(`environment ${project}/${environment}`);
      const organization = await loadState(this.platform.store, organizationDecider, organizationStream(organizationId));
      const restricted = organization.state.status === 'active' && organization.state.restricted;
      command = { ...command, data: { ...command.data, organization_restricted: restricted } };
    }
    return handleCommand(this.platform.store, namespaceDecider, namespaceStream(organizationId, namespace), command, options);
  }
}

export const tenancyCommandHandlers = [ProjectCommandHandler, EnvironmentCommandHandler, NamespaceCommandHandler];
