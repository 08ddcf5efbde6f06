import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { auditCheckpointDecider, RecordAuditCheckpoint } from '../../../../libs/domain/audit/checkpoints/decider';
import { auditCheckpointStream } from '../../../../libs/domain/audit/checkpoints/events';
import { auditSigningKeysDecider, UseAuditSigningKey } from '../../../../libs/domain/audit/signing-keys/decider';
import { AUDIT_SIGNING_KEYS_STREAM } from '../../../../libs/domain/audit/signing-keys/events';
import { handleCommand } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command messages of the audit context: the pure domain command plus the stream's key. */
export class ExecuteAuditSigningKeyCommand {
  constructor(readonly command: UseAuditSigningKey) {}
}
export class ExecuteAuditCheckpointCommand {
  constructor(readonly organizationId: string, readonly position: string, readonly keyId: string, readonly command: RecordAuditCheckpoint) {}
}

@CommandHandler(ExecuteAuditSigningKeyCommand)
export class AuditSigningKeyCommandHandler implements ICommandHandler<ExecuteAuditSigningKeyCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ command }: ExecuteAuditSigningKeyCommand) {
    return handleCommand(this.platform.store, auditSigningKeysDecider, AUDIT_SIGNING_KEYS_STREAM, command);
  }
}

@CommandHandler(ExecuteAuditCheckpointCommand)
export class AuditCheckpointCommandHandler implements ICommandHandler<ExecuteAuditCheckpointCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, position, keyId, command }: ExecuteAuditCheckpointCommand) {
    return handleCommand(this.platform.store, auditCheckpointDecider, auditCheckpointStream(organizationId, position, keyId), command);
  }
}

export const auditCommandHandlers = [AuditSigningKeyCommandHandler, AuditCheckpointCommandHandler];
