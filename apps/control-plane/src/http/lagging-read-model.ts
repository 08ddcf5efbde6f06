import { FastifyRequest } from 'fastify';
import { formatPosition, GlobalPosition } from '../../../../libs/event-store/src';

/**
 * A command committed but its read-your-writes wait ran out: the read models have not reached its
 * position yet. Such a request must not answer 404 for what it just wrote, nor lose a secret shown
 * once. The problem filter turns a 404 on a lagging request into 202 with the position to wait for
 * (X-DWC-Min-Position) and whatever the route marked as shown once.
 */
const LAG = Symbol('read-model-lag');
const SHOWN_ONCE = Symbol('shown-once');

type Marked = FastifyRequest & { [LAG]?: string; [SHOWN_ONCE]?: Record<string, unknown> };

export const markLagging = (request: FastifyRequest, position: GlobalPosition): void => {
  (request as Marked)[LAG] = formatPosition(position);
};

export const laggingPosition = (request: FastifyRequest): string | undefined => (request as Marked)[LAG];

/** Fields (a token, an id) the answer must carry even when it cannot be read back from the read model yet. */
export const showOnce = (request: FastifyRequest, fields: Record<string, unknown>): void => {
  (request as Marked)[SHOWN_ONCE] = { ...(request as Marked)[SHOWN_ONCE], ...fields };
};

export const acceptedAnswer = (request: FastifyRequest, position: string) => ({
  status: 'accepted',
  position,
  detail: 'the command was committed; its read model has not caught up yet: read again with X-DWC-Min-Position set to this position',
  ...(request as Marked)[SHOWN_ONCE],
});
