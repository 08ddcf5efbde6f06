import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RuntimeTargetCommand } from '../../../../libs/domain/placement/runtime-target/commands';
import { runtimeTargetDecider } from '../../../../libs/domain/placement/runtime-target/decider';
import { runtimeTargetStream } from '../../../../libs/domain/placement/streams';
import { handleCommand } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command message of a runtime target (null owner: one of the platform's own). */
export class ExecuteRuntimeTargetCommand {
  constructor(readonly ownerOrganizationId: string | null, readonly runtimeTargetId: string, readonly command: RuntimeTargetCommand) {}
}

@CommandHandler(ExecuteRuntimeTargetCommand)
export class RuntimeTargetCommandHandler implements ICommandHandler<ExecuteRuntimeTargetCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ ownerOrganizationId, runtimeTargetId, command }: ExecuteRuntimeTargetCommand) {
    return handleCommand(this.platform.store, runtimeTargetDecider, runtimeTargetStream(ownerOrganizationId, runtimeTargetId), command);
  }
}
