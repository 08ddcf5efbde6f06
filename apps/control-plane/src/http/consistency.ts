import { Inject, Injectable } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { formatPosition, GlobalPosition, parsePosition } from '../../../../libs/event-store/src';
import { ControlPlaneConfig } from '../config/config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { badRequest } from './problem';
import { markLagging } from './lagging-read-model';

export const POSITION_HEADER = 'x-dwc-position';

/**
 * Read-your-writes. A command answers with the global position of its last event (header
 * X-DWC-Position) after its projections have passed it (bounded wait), and a query that sends
 * X-DWC-Min-Position waits, bounded, until the read models have caught up with it.
 */
@Injectable()
export class Consistency {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  async afterCommand(reply: FastifyReply, position: GlobalPosition | null, revision?: bigint): Promise<void> {
    if (revision !== undefined && revision >= 0n) void reply.header('etag', etagFor(revision));
    if (!position) return;
    void reply.header(POSITION_HEADER, formatPosition(position));
    const caughtUp = await this.platform.runner.waitFor(position, this.config.consistencyWaitMs);
    // Not an error: the command is committed. A read that finds nothing now answers 202 (see lagging-read-model.ts).
    if (!caughtUp) markLagging(reply.request, position);
  }

  async beforeQuery(request: FastifyRequest): Promise<void> {
    const header = request.headers['x-dwc-min-position'];
    if (header === undefined) return;
    const position = typeof header === 'string' ? parsePosition(header) : null;
    if (!position) throw badRequest('X-DWC-Min-Position must be a position returned in X-DWC-Position', 'X-DWC-Min-Position');
    await this.platform.runner.waitFor(position, this.config.consistencyWaitMs);
  }
}

export const etagFor = (revision: bigint | string) => `W/"${revision}"`;

/** `If-Match: W/"3"` (or `"3"`) → 3n; absent → undefined; anything else is a 400. */
export function expectedRevisionFrom(request: FastifyRequest): bigint | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d{1,18})"$/.exec(header.trim()) : null;
  if (!match) throw badRequest('If-Match must be an ETag returned by this API, e.g. W/"3"', 'If-Match');
  return BigInt(match[1]);
}
