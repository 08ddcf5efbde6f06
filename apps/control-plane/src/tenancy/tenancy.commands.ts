import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { environmentDecider } from '../../../../libs/domain/tenancy/environment/decider';
import { EnvironmentCommand } from '../../../../libs/domain/tenancy/environment/commands';
import { namespaceDecider } from '../../../../libs/domain/tenancy/namespace/decider';
import { NamespaceCommand } from '../../../../libs/domain/tenancy/namespace/commands';
import { OrganizationCommand } from '../../../../libs/domain/tenancy/organization/commands';
import { organizationDecider } from '../../../../libs/domain/tenancy/organization/decider';
import { projectDecider } from '../../../../libs/domain/tenancy/project/decider';
import { ProjectCommand } from '../../../../libs/domain/tenancy/project/commands';
import { environmentStream, namespaceStream, organizationStream, projectStream } from '../../../../libs/domain/tenancy/streams';
import { notFound } from '../../../../libs/domain/shared/errors';
import { handleCommand, HandleOptions, loadState } from '../../../../libs/event-store/src';
import { CommandRequest } from '../platform/command-request';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command messages: one per aggregate, carrying the pure domain command and the stream's key. */
export class ExecuteOrganizationCommand {
  constructor(readonly organizationId: string, readonly command: OrganizationCommand, readonly options: HandleOptions = {}) {}
}
export class ExecuteProjectCommand {
  constructor(readonly organizationId: string, readonly project: string, readonly command: ProjectCommand, readonly options: HandleOptions = {}) {}
}
export class ExecuteEnvironmentCommand {
  constructor(readonly organizationId: string, readonly project: string, readonly environment: string,
    readonly command: EnvironmentCommand, readonly options: HandleOptions = {}) {}
}
/** A namespace command as callers send it: whether the organization is restricted is the handler's to look up. */
export type NamespaceRequest = CommandRequest<NamespaceCommand, 'CreateNamespace', 'organization_restricted'>;
export class ExecuteNamespaceCommand {
  constructor(readonly organizationId: string, readonly namespace: string, readonly command: NamespaceRequest, readonly options: HandleOptions = {}) {}
}

@CommandHandler(ExecuteOrganizationCommand)
export class OrganizationCommandHandler implements ICommandHandler<ExecuteOrganizationCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, command, options }: ExecuteOrganizationCommand) {
    return handleCommand(this.platform.store, organizationDecider, organizationStream(organizationId), command, options);
  }
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
    const complete: NamespaceCommand = command.type === 'CreateNamespace'
      ? { ...command, data: { ...command.data, organization_restricted: await this.creatableIn(organizationId, command.data) } }
      : command;
    return handleCommand(this.platform.store, namespaceDecider, namespaceStream(organizationId, namespace), complete, options);
  }

  /** Whether the organization is restricted, once the environment the namespace goes into is known to exist. */
  private async creatableIn(organizationId: string, { project, environment }: { project: string; environment: string }): Promise<boolean> {
    const parent = await loadState(this.platform.store, environmentDecider, environmentStream(organizationId, project, environment));
    if (parent.state.status !== 'active') throw notFound(`environment ${project}/${environment}`);
    const organization = await loadState(this.platform.store, organizationDecider, organizationStream(organizationId));
    return organization.state.status === 'active' && organization.state.restricted;
  }
}

export const tenancyCommandHandlers = [OrganizationCommandHandler, ProjectCommandHandler, EnvironmentCommandHandler, NamespaceCommandHandler];
