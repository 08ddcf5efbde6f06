import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { fold } from '../../../../libs/domain/shared/decider';
import { NamespaceReplicationCommand } from '../../../../libs/domain/replication/namespace-replication/commands';
import { namespaceReplicationDecider, NamespaceReplicationState } from '../../../../libs/domain/replication/namespace-replication/decider';
import { NamespaceReplicationEvent } from '../../../../libs/domain/replication/namespace-replication/events';
import { namespaceReplicationStream } from '../../../../libs/domain/replication/namespace-replication/streams';
import { decodeEvent, handleCommand, HandleOptions, RecordedEvent } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export class ExecuteReplicationCommand {
  constructor(readonly organizationId: string, readonly namespaceId: string, readonly command: NamespaceReplicationCommand, readonly options: HandleOptions = {}) {}
}

@CommandHandler(ExecuteReplicationCommand)
export class ReplicationCommandHandler implements ICommandHandler<ExecuteReplicationCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, namespaceId, command, options }: ExecuteReplicationCommand) {
    return handleCommand(this.platform.store, namespaceReplicationDecider, namespaceReplicationStream(organizationId, namespaceId), command, options);
  }
}

/** The enrollment as its stream holds it now (never a read model: routing must not lag a switch). */
export async function loadReplication(platform: Platform, organizationId: string, namespaceId: string): Promise<{ state: NamespaceReplicationState; events: RecordedEvent[] }> {
  const events = await platform.store.readStream(namespaceReplicationStream(organizationId, namespaceId));
  return { state: fold(namespaceReplicationDecider, events.map((e) => decodeEvent<NamespaceReplicationEvent>(e))), events };
}
