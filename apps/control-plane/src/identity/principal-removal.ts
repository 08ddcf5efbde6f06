import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { REVOKED_WITH_PRINCIPAL, principalRemoval } from '../../../../libs/domain/identity/principal-removal/process';
import { RemoveMember, RemoveServiceAccount } from '../../../../libs/domain/identity';
import { DomainEvent } from '../../../../libs/domain/shared/event';
import { HandleOptions } from '../../../../libs/event-store/src';
import { ControlPlaneConfig } from '../config/config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { ProcessEffects } from '../processes/process-effects';
import { Processes } from '../processes/processes.service';
import { ExecuteApiKeyCommand, ExecuteMembershipCommand, ExecuteRoleBindingsCommand, IdentityOutcome } from './identity.commands';

export { REVOKED_WITH_PRINCIPAL };

/** Removes a user or a service account; the principal-removal process then revokes its keys and deletes its bindings. */
export class RemovePrincipal {
  constructor(readonly organizationId: string, readonly command: RemoveMember | RemoveServiceAccount, readonly options: HandleOptions = {}) {}
}

/**
 * The removal is decided and recorded here (the last owner stays, only owners remove owners). The keys
 * and bindings the principal holds are found in the event streams and taken away by the
 * principal-removal process, which finishes after a crash too; the request waits a bounded time for
 * it so the lists read right after show the result. A dry run shows every change without making one.
 */
@CommandHandler(RemovePrincipal)
export class RemovePrincipalHandler implements ICommandHandler<RemovePrincipal, IdentityOutcome> {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly processes: Processes,
    private readonly effects: ProcessEffects,
    private readonly commands: CommandBus,
  ) {}

  async execute({ organizationId, command, options }: RemovePrincipal): Promise<IdentityOutcome> {
    const removal: IdentityOutcome = await this.commands.execute(new ExecuteMembershipCommand(organizationId, command, options));
    const principalId = command.type === 'RemoveMember' ? command.data.member_id : command.data.service_account_id;
    if (options.dryRun) return { events: [...removal.events, ...await this.previewGrantRemoval(organizationId, principalId, command)], position: null };
    const done = await this.processes.runner.waitFor(principalRemoval.name, `${organizationId}:${principalId}`,
      (envelope) => envelope.status === 'completed' || envelope.status === 'failed', this.config.consistencyWaitMs);
    // Its revocations are then part of what the answer's read-your-writes position covers.
    return { events: removal.events, position: done ? await this.platform.store.lastCommittedPosition() : removal.position };
  }

  /** The revocations and unbindings the process would make, decided as dry runs. */
  private async previewGrantRemoval(organizationId: string, principalId: string, command: RemoveMember | RemoveServiceAccount): Promise<DomainEvent[]> {
    const grants = await this.effects.findPrincipalGrants(organizationId, principalId);
    const events: DomainEvent[] = [];
    const dryRun = (message: ExecuteApiKeyCommand | ExecuteRoleBindingsCommand): Promise<IdentityOutcome> => this.commands.execute(message);
    for (const key_id of grants.key_ids) {
      const revoke = new ExecuteApiKeyCommand(organizationId, key_id,
        { type: 'RevokeApiKey', data: { key_id, reason: REVOKED_WITH_PRINCIPAL }, context: command.context }, { dryRun: true });
      events.push(...(await dryRun(revoke)).events);
    }
    for (const binding_id of grants.binding_ids) {
      const unbind = new ExecuteRoleBindingsCommand(organizationId, { type: 'DeleteRoleBinding', data: { binding_id }, context: command.context }, { dryRun: true });
      events.push(...(await dryRun(unbind)).events);
    }
    return events;
  }
}
