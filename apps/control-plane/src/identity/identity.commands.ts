import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  ApiKeyCommand, apiKeyDecider, apiKeyStream, membershipDecider, membershipStream,
  MembershipCommand, principalOf, PrincipalKind, RoleBindingsCommand, roleBindingsDecider, roleBindingsStream,
} from '../../../../libs/domain/identity';
import { DomainEvent } from '../../../../libs/domain/shared/event';
import { EventStore, GlobalPosition, handleCommand, HandleOptions, loadState } from '../../../../libs/event-store/src';
import { CommandRequest } from '../platform/command-request';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** What an identity command did (or, in a dry run, would do). */
export interface IdentityOutcome {
  readonly events: readonly DomainEvent[];
  /** Global position of the last appended event; null for a dry run or a no-op. */
  readonly position: GlobalPosition | null;
}

/** Nest command messages: the pure domain command plus the stream's key. */
export class ExecuteMembershipCommand {
  constructor(readonly organizationId: string, readonly command: MembershipCommand, readonly options: HandleOptions = {}) {}
}
/** Role-binding and key commands as callers send them: the principal's kind is the handler's to look up. */
export type RoleBindingsRequest = CommandRequest<RoleBindingsCommand, 'CreateRoleBinding', 'principal_kind'>;
export type ApiKeyRequest = CommandRequest<ApiKeyCommand, 'IssueApiKey', 'principal_kind'>;
export class ExecuteRoleBindingsCommand {
  constructor(readonly organizationId: string, readonly command: RoleBindingsRequest, readonly options: HandleOptions = {}) {}
}
export class ExecuteApiKeyCommand {
  constructor(readonly organizationId: string, readonly keyId: string, readonly command: ApiKeyRequest, readonly options: HandleOptions = {}) {}
}

/** The principal's kind from the membership stream (the source of truth), or null when it is no current principal. */
export async function principalKindOf(store: EventStore, organizationId: string, principalId: string): Promise<PrincipalKind | null> {
  const membership = await loadState(store, membershipDecider, membershipStream(organizationId));
  return principalOf(membership.state, principalId)?.kind ?? null;
}

@CommandHandler(ExecuteMembershipCommand)
export class MembershipCommandHandler implements ICommandHandler<ExecuteMembershipCommand, IdentityOutcome> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, command, options }: ExecuteMembershipCommand): Promise<IdentityOutcome> {
    return handleCommand(this.platform.store, membershipDecider, membershipStream(organizationId), command, options);
  }
}

@CommandHandler(ExecuteRoleBindingsCommand)
export class RoleBindingsCommandHandler implements ICommandHandler<ExecuteRoleBindingsCommand, IdentityOutcome> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  async execute({ organizationId, command, options }: ExecuteRoleBindingsCommand): Promise<IdentityOutcome> {
    const complete: RoleBindingsCommand = command.type === 'CreateRoleBinding'
      ? { ...command, data: { ...command.data, principal_kind: await principalKindOf(this.platform.store, organizationId, command.data.principal_id) } }
      : command;
    return handleCommand(this.platform.store, roleBindingsDecider, roleBindingsStream(organizationId), complete, options);
  }
}

@CommandHandler(ExecuteApiKeyCommand)
export class ApiKeyCommandHandler implements ICommandHandler<ExecuteApiKeyCommand, IdentityOutcome> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  async execute({ organizationId, keyId, command, options }: ExecuteApiKeyCommand): Promise<IdentityOutcome> {
    const complete: ApiKeyCommand = command.type === 'IssueApiKey'
      ? { ...command, data: { ...command.data, principal_kind: await principalKindOf(this.platform.store, organizationId, command.data.principal_id) } }
      : command;
    return handleCommand(this.platform.store, apiKeyDecider, apiKeyStream(organizationId, keyId), complete, options);
  }
}
