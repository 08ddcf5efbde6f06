import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ACCESS_DENIAL_BUCKETS, AccessDenied, accessDenialsStream } from '../../../../libs/domain/audit/access-denied';
import { deterministicEventId, ExpectedRevision, metadataFor, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
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

/** Give up only after this long (the store is down): the loss is then logged loudly. */
const RECORD_DEADLINE_MS = 30_000;

/**
 * Records every refused request as an event, so the audit log shows who tried what. A denial goes to
 * one of the organization's partitioned denial streams (a hash of the request id picks the bucket),
 * appended with the exact expected revision and an id derived from the request: a conflict is
 * retried at the revision the store reports (no full read), and a retry of an append whose answer
 * was lost is recognised, never doubled. Nothing is dropped under a burst.
 */
@Injectable()
export class AccessDenials {
  private readonly logger = new Logger('AccessDenials');
  /** Last revision seen per stream: a hint only, the store's conflict answer corrects it. */
  private readonly revisions = new LRUCache<string, bigint>({ max: 10_000 });

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
    // One request may be refused once per stage (e.g. authorization after a failed lookup): the reason keeps the ids apart.
    const id = deterministicEventId(`denial:${request.id}:${denial.status}:${denial.reason}:${denial.capability ?? ''}`, 0);
    const bucket = createHash('sha256').update(request.id).digest().readUInt16BE(0) % ACCESS_DENIAL_BUCKETS;
    const stream = accessDenialsStream(denial.organization_id, bucket);
    const deadline = Date.now() + RECORD_DEADLINE_MS;
    for (let attempt = 1; ; attempt++) {
      const known = this.revisions.get(stream);
      const expected: ExpectedRevision = known === undefined || known < 0n ? 'no_stream' : known;
      try {
        const result = await this.platform.store.append(stream, [{ id, ...event, metadata }], expected);
        this.revisions.set(stream, result.nextExpectedRevision);
        return;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) {
          this.revisions.set(stream, error.actual);
          continue;
        }
        if (Date.now() >= deadline) {
          // The refusal itself must still be answered; losing its record is logged loudly instead.
          this.logger.error({ err: error, request_id: request.id }, 'could not record an access denial');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * attempt) * (0.5 + Math.random())));
      }
    }
  }
}
