import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FastifyReply } from 'fastify';
import { Consistency } from '../http/consistency';
import { ExecuteApiKeyCommand, ExecuteMembershipCommand, ExecuteRoleBindingsCommand, IdentityOutcome } from './identity.commands';
import { PermissionPreview } from './permission-preview';
import { RemovePrincipal } from './principal-removal';

export type IdentityMessage = ExecuteMembershipCommand | ExecuteRoleBindingsCommand | ExecuteApiKeyCommand | RemovePrincipal;

/** Sends the answer itself: identity routes choose their status (201/204, or 200 for a dry run). */
export const respond = (reply: FastifyReply, status: number, body?: unknown): void => {
  void reply.status(status);
  void (body === undefined ? reply.send() : reply.send(body));
};

/**
 * Runs an identity command for a route. A dry run is answered here (200, the permission diff of the
 * decided events, nothing appended) and yields null; a real run waits for its projections
 * (read-your-writes) and yields what it did.
 */
@Injectable()
export class IdentityCommandRunner {
  constructor(
    private readonly commands: CommandBus,
    private readonly consistency: Consistency,
    private readonly preview: PermissionPreview,
  ) {}

  async run(reply: FastifyReply, message: IdentityMessage): Promise<IdentityOutcome | null> {
    const outcome = await this.commands.execute<IdentityMessage, IdentityOutcome>(message);
    if (message.options.dryRun) {
      respond(reply, 200, await this.preview.dryRun(message.organizationId, outcome.events));
      return null;
    }
    await this.consistency.afterCommand(reply, outcome.position);
    return outcome;
  }
}
