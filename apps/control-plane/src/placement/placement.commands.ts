import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NamespacePlacementCommand } from '../../../../libs/domain/placement/namespace-placement/commands';
import { namespacePlacementDecider } from '../../../../libs/domain/placement/namespace-placement/decider';
import { RuntimeCredentialCommand } from '../../../../libs/domain/placement/runtime-credential/commands';
import { runtimeCredentialDecider } from '../../../../libs/domain/placement/runtime-credential/decider';
import { RuntimeNamespaceClaimCommand, runtimeNamespaceClaimDecider } from '../../../../libs/domain/placement/runtime-namespace-claim/decider';
import { namespacePlacementStream, runtimeCredentialStream, runtimeNamespaceClaimStream } from '../../../../libs/domain/placement/streams';
import { handleCommand, HandleOptions } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command messages of the placement context: the pure domain command plus the stream's key. */
export class ExecutePlacementCommand {
  constructor(readonly organizationId: string, readonly namespaceId: string, readonly command: NamespacePlacementCommand, readonly options: HandleOptions = {}) {}
}
export class ExecuteRuntimeNamespaceClaimCommand {
  constructor(readonly runtimeTargetId: string, readonly runtimeNamespace: string, readonly command: RuntimeNamespaceClaimCommand) {}
}
export class ExecuteRuntimeCredentialCommand {
  constructor(readonly organizationId: string, readonly credentialId: string, readonly command: RuntimeCredentialCommand) {}
}

@CommandHandler(ExecutePlacementCommand)
export class PlacementCommandHandler implements ICommandHandler<ExecutePlacementCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, namespaceId, command, options }: ExecutePlacementCommand) {
    return handleCommand(this.platform.store, namespacePlacementDecider, namespacePlacementStream(organizationId, namespaceId), command, options);
  }
}

@CommandHandler(ExecuteRuntimeNamespaceClaimCommand)
export class RuntimeNamespaceClaimCommandHandler implements ICommandHandler<ExecuteRuntimeNamespaceClaimCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ runtimeTargetId, runtimeNamespace, command }: ExecuteRuntimeNamespaceClaimCommand) {
    return handleCommand(this.platform.store, runtimeNamespaceClaimDecider, runtimeNamespaceClaimStream(runtimeTargetId, runtimeNamespace), command);
  }
}

@CommandHandler(ExecuteRuntimeCredentialCommand)
export class RuntimeCredentialCommandHandler implements ICommandHandler<ExecuteRuntimeCredentialCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, credentialId, command }: ExecuteRuntimeCredentialCommand) {
    return handleCommand(this.platform.store, runtimeCredentialDecider, runtimeCredentialStream(organizationId, credentialId), command);
  }
}

export const placementCommandHandlers = [PlacementCommandHandler, RuntimeNamespaceClaimCommandHandler, RuntimeCredentialCommandHandler];
