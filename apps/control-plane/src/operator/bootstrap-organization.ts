import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { generateApiKeyToken } from '../../../../libs/auth/src/api-key-token';
import { OrganizationState } from '../../../../libs/domain/tenancy/organization/decider';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { GlobalPosition, HandledCommand } from '../../../../libs/event-store/src';
import { derivedId, newId } from '../http/ids';
import { ExecuteApiKeyCommand, ExecuteMembershipCommand, IdentityOutcome } from '../identity/identity.commands';
import { crashPoint } from '../platform/crash-point';
import { ExecuteOrganizationCommand } from '../tenancy/tenancy.commands';

export class BootstrapOrganization {
  /** `retryable`: the request has an Idempotency-Key, so a retry must land on the same organization. */
  constructor(readonly name: string, readonly ownerEmail: string, readonly context: CommandContext, readonly retryable = false) {}
}

export interface BootstrappedOrganization {
  readonly organization: { readonly id: string; readonly name: string };
  readonly owner: { readonly id: string; readonly email: string };
  readonly api_key: { readonly id: string; readonly token: string; readonly token_prefix: string };
  readonly position: GlobalPosition | null;
}

/**
 * Creates an organization, its owner and the owner's first key: three aggregates, three appends.
 * With an Idempotency-Key the ids and each step's command id derive from the request's command id,
 * so a retry after a crash or a lost answer completes the same organization instead of making a
 * second one. The first token is never stored: when the key was already issued by an earlier attempt,
 * it is rotated (no grace) so this answer can show a token that works and the lost one does not.
 */
@CommandHandler(BootstrapOrganization)
export class BootstrapOrganizationHandler implements ICommandHandler<BootstrapOrganization, BootstrappedOrganization> {
  constructor(private readonly commands: CommandBus) {}

  async execute({ name, ownerEmail, context, retryable }: BootstrapOrganization): Promise<BootstrappedOrganization> {
    // Without an Idempotency-Key nothing can retry this command, so ids keep their creation-time order.
    const id = (prefix: string, step: string) => (retryable ? derivedId(prefix, `${context.command_id}:${step}`) : newId(prefix));
    const organizationId = id('org', 'organization');
    const ownerId = id('usr', 'owner');
    const keyId = id('key', 'key');
    const step = (n: string): CommandContext => ({ ...context, organization_id: organizationId, command_id: `${context.command_id}:${n}` });
    const organization: HandledCommand<OrganizationState, unknown> = await this.commands.execute(new ExecuteOrganizationCommand(organizationId,
      { type: 'CreateOrganization', data: { organization_id: organizationId, name }, context: step('organization') }));
    crashPoint('bootstrap:organization');
    const membership: IdentityOutcome = await this.commands.execute(new ExecuteMembershipCommand(organizationId,
      { type: 'AddUser', data: { user_id: ownerId, email: ownerEmail, organization_role: 'owner' }, context: step('owner') }));
    crashPoint('bootstrap:owner');
    const token = generateApiKeyToken(randomBytes);
    let key: IdentityOutcome = await this.commands.execute(new ExecuteApiKeyCommand(organizationId, keyId, {
      type: 'IssueApiKey',
      data: { key_id: keyId, principal_id: ownerId, name: 'owner bootstrap key', token_prefix: token.token_prefix, secret_hash: token.secret_hash },
      context: step('key'),
    }));
    const issuedHash = (key.events[0]?.data as { secret_hash?: string } | undefined)?.secret_hash;
    if (issuedHash !== token.secret_hash) {
      key = await this.commands.execute(new ExecuteApiKeyCommand(organizationId, keyId, {
        type: 'RotateApiKey',
        data: { key_id: keyId, new_token_prefix: token.token_prefix, new_secret_hash: token.secret_hash, grace_seconds: 0 },
        context: step(`key:rotate:${token.token_prefix}`),
      }));
    }
    const orgState = organization.state;
    const owner = membership.events[0] as { data: { user_id: string; email: string } };
    return {
      organization: { id: orgState.status === 'active' ? orgState.id : organizationId, name: orgState.status === 'active' ? orgState.name : name },
      owner: { id: owner.data.user_id, email: owner.data.email },
      api_key: { id: keyId, token: token.token, token_prefix: token.token_prefix },
      position: key.position,
    };
  }
}
