import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  apiKeyDecider, apiKeyStream, DeleteRoleBinding, membershipDecider, membershipStream, RemoveMember, RemoveServiceAccount,
  RevokeApiKey, roleBindingsDecider, roleBindingsStream,
} from '../../../../libs/domain/identity';
import { DomainEvent } from '../../../../libs/domain/shared/event';
import { GlobalPosition, handleCommand, HandleOptions } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { IdentityOutcome } from './identity.commands';

export const REVOKED_WITH_PRINCIPAL = 'principal removed from the organization';

/** Removes a user or a service account, then revokes every API key and deletes every role binding it still holds. */
export class RemovePrincipal {
  constructor(readonly organizationId: string, readonly command: RemoveMember | RemoveServiceAccount, readonly options: HandleOptions = {}) {}
}

/**
 * The removal is decided first (the last owner stays, only owners remove owners); only then are the
 * keys revoked, one RevokeApiKey per key, each with a command id derived from the removal's so a
 * retried request (same Idempotency-Key) finishes the revocations without duplicating any. Keys of a
 * removed principal stop authenticating at once anyway: the authenticator checks membership.
 */
@CommandHandler(RemovePrincipal)
export class RemovePrincipalHandler implements ICommandHandler<RemovePrincipal, IdentityOutcome> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ organizationId, command, options }: RemovePrincipal): Promise<IdentityOutcome> {
    const removal = await handleCommand(this.platform.store, membershipDecider, membershipStream(organizationId), command, options);
    const principalId = command.type === 'RemoveMember' ? command.data.member_id : command.data.service_account_id;
    const keys = await this.platform.storage.db.selectFrom('api_keys').select('id')
      .where('organization_id', '=', organizationId).where('principal_id', '=', principalId).where('state', '!=', 'revoked')
      .orderBy('id').execute();
    const events: DomainEvent[] = [...removal.events];
    let position: GlobalPosition | null = removal.position;
    for (const { id } of keys) {
      const revoke: RevokeApiKey = {
        type: 'RevokeApiKey',
        data: { key_id: id, reason: REVOKED_WITH_PRINCIPAL },
        context: { ...command.context, command_id: `${command.context.command_id}:revoke:${id}` },
      };
      const revoked = await handleCommand(this.platform.store, apiKeyDecider, apiKeyStream(organizationId, id), revoke, { dryRun: options.dryRun });
      events.push(...revoked.events);
      position = revoked.position ?? position;
    }
    const bindings = await this.platform.storage.db.selectFrom('role_bindings').select('id')
      .where('organization_id', '=', organizationId).where('principal_id', '=', principalId).orderBy('id').execute();
    for (const { id } of bindings) {
      const unbind: DeleteRoleBinding = {
        type: 'DeleteRoleBinding',
        data: { binding_id: id },
        context: { ...command.context, command_id: `${command.context.command_id}:unbind:${id}` },
      };
      const deleted = await handleCommand(this.platform.store, roleBindingsDecider, roleBindingsStream(organizationId), unbind, { dryRun: options.dryRun });
      events.push(...deleted.events);
      position = deleted.position ?? position;
    }
    return { events, position };
  }
}
