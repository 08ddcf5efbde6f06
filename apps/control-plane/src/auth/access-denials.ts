import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessDenied, accessDenialsStream } from '../../../../libs/domain/audit/access-denied';
import { metadataFor } from '../../../../libs/event-store/src';
import { actorOf } from '../http/command-context';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { AuthenticatedRequest } from './principal';

export interface Denial {
  readonly organization_id: string | null;
  readonly principal_id: string | null;
  readonly key_prefix: string | null;
  readonly status: number;
  readonly reason: string;
  readonly capability?: string;
}

/**
 * Records every refused request as an event, so the audit log shows who tried what. Appended with
 * "any" revision: a denial is an observation, not a decision about the stream's state.
 */
@Injectable()
export class AccessDenials {
  private readonly logger = new Logger('AccessDenials');

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async record(request: AuthenticatedRequest, denial: Denial): Promise<void> {
    const now = new Date().toISOString();
    const event: AccessDenied = {
      type: 'AccessDenied',
      data: {
        organization_id: denial.organization_id, principal_id: denial.principal_id, key_prefix: denial.key_prefix,
        method: request.method, route: request.routeOptions?.url ?? request.url.split('?')[0], status: denial.status,
        reason: denial.reason, capability: denial.capability ?? null, client_ip: request.ip, request_id: request.id, denied_at: now,
      },
    };
    const metadata = metadataFor({
      command_id: request.id, organization_id: denial.organization_id, actor: actorOf(request.principal),
      request_id: request.id, correlation_id: request.id, now,
    });
    try {
      await this.platform.store.append(accessDenialsStream(denial.organization_id), [{ id: randomUUID(), ...event, metadata }], 'any');
    } catch (error) {
      // The refusal itself must still be answered; losing its record is logged loudly instead.
      this.logger.error({ err: error, request_id: request.id }, 'could not record an access denial');
    }
  }
}
