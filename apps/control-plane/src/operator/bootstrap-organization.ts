import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { generateApiKeyToken } from '../../../../libs/auth/src/api-key-token';
import { apiKeyDecider, apiKeyStream, membershipDecider, membershipStream } from '../../../../libs/domain/identity';
import { organizationDecider } from '../../../../libs/domain/tenancy/organization/decider';
import { organizationStream } from '../../../../libs/domain/tenancy/streams';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { GlobalPosition, handleCommand } from '../../../../libs/event-store/src';
import { newId } from '../http/ids';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export class BootstrapOrganization {
  constructor(readonly name: string, readonly ownerEmail: string, readonly context: CommandContext) {}
}

export interface BootstrappedOrganization {
  readonly organization: { readonly id: string; readonly name: string };
  readonly owner: { readonly id: string; readonly email: string };
  readonly api_key: { readonly id: string; readonly token: string; readonly token_prefix: string };
  readonly position: GlobalPosition | null;
}

/**
 * Creates an organization, its owner and the owner's first key: three aggregates, three appends.
 * Each step's command id derives from the request's, so a retry after a crash completes the
 * missing steps without duplicating the done ones.
 */
@CommandHandler(BootstrapOrganization)
export class BootstrapOrganizationHandler implements ICommandHandler<BootstrapOrganization, BootstrappedOrganization> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async execute({ name, ownerEmail, context }: BootstrapOrganization): Promise<BootstrappedOrganization> {
    const organizationId = newId('org');
    const ownerId = newId('usr');
    const keyId = newId('key');
    const step = (n: string): CommandContext => ({ ...context, organization_id: organizationId, command_id: `${context.command_id}:${n}` });
    const store = this.platform.store;

    const organization = await handleCommand(store, organizationDecider, organizationStream(organizationId),
      { type: 'CreateOrganization', data: { organization_id: organizationId, name }, context: step('organization') });
    const membership = await handleCommand(store, membershipDecider, membershipStream(organizationId),
      { type: 'AddUser', data: { user_id: ownerId, email: ownerEmail, organization_role: 'owner' }, context: step('owner') });
    const token = generateApiKeyToken(randomBytes);
    const key = await handleCommand(store, apiKeyDecider, apiKeyStream(organizationId, keyId), {
      type: 'IssueApiKey',
      data: { key_id: keyId, principal_id: ownerId, principal_kind: 'user', name: 'owner bootstrap key', token_prefix: token.token_prefix, secret_hash: token.secret_hash },
      context: step('key'),
    });
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
