import { createHash, randomUUID } from 'node:crypto';
import { Actor, CommandContext } from '../../../../libs/domain/shared/event';
import { AuthenticatedRequest, Principal } from '../auth/principal';
import { clockOf } from './clock';

export const actorOf = (principal: Principal | undefined): Actor => {
  if (!principal) return { id: 'anonymous', kind: 'system' };
  if (principal.kind === 'operator') return { id: 'platform-operator', kind: 'operator' };
  return { id: principal.id, kind: principal.kind, key_id: principal.key_id };
};

const CORRELATION_PATTERN = /^[\w.:-]{1,128}$/;

/**
 * The command's ids and instant come from the request. With an Idempotency-Key the command id is
 * derived from it, so a retry after a lost answer produces the same event ids and appends nothing.
 */
export function commandContext(request: AuthenticatedRequest, organizationId: string | null, discriminator = ''): CommandContext {
  const correlation = request.headers['x-correlation-id'];
  const commandId = request.idempotency
    ? createHash('sha256').update(`${request.idempotency.scope}\u0000${request.idempotency.key}\u0000${discriminator}`).digest('hex')
    : randomUUID();
  return {
    command_id: commandId,
    organization_id: organizationId,
    actor: actorOf(request.principal),
    request_id: request.id,
    correlation_id: typeof correlation === 'string' && CORRELATION_PATTERN.test(correlation) ? correlation : request.id,
    now: clockOf(request)().toISOString(),
  };
}
