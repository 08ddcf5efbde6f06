import { FastifyInstance, FastifyReply } from 'fastify';
import { RouteContext } from '../http/guard';
import { isPlainObject } from '../http/validator';
import { USAGE_ACTION_TYPES, UsageActionType, WorkflowStatus } from '../state/records';

/**
 * `/__sim/*`: an unauthenticated admin API for tests and demos that run the simulator out of
 * process. It bypasses every fault (except `down` on the main port, which is why it is also served
 * on a separate admin port).
 */
export const SIM_ADMIN_PREFIX = '/__sim';

const bodyOf = (raw: unknown): Record<string, unknown> => {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  const parsed: unknown = JSON.parse(raw.toString('utf8'));
  return isPlainObject(parsed) ? { ...parsed } : {};
};

const bad = (reply: FastifyReply, message: string): FastifyReply => reply.code(422).send({ message, reason: 'validation_failed' });

export const registerSimAdmin = (app: FastifyInstance, ctx: RouteContext): void => {
  const { state, faults } = ctx;
  const snapshot = (): Record<string, unknown> => ({
    faults: faults.current,
    lag_seconds: Object.fromEntries([...state.replication.values()].map((r) => [r.namespace, r.lag_seconds])),
  });

  app.get(`${SIM_ADMIN_PREFIX}/faults`, async () => snapshot());

  app.post(`${SIM_ADMIN_PREFIX}/faults`, async (request, reply) => {
    const body = bodyOf(request.body);
    const enabled = body.enabled !== false;
    switch (body.mode) {
      case 'down':
        // Answer first, then close: the caller learns the fault took effect.
        reply.raw.once('finish', () => void faults.down());
        return reply.send({ ...snapshot(), faults: { ...faults.current, down: true } });
      case 'up':
        await faults.up();
        break;
      case 'hang':
        faults.hang(enabled);
        break;
      case 'error':
        faults.error(enabled ? (typeof body.status === 'number' ? body.status : 500) : null);
        break;
      case 'wrong_protocol':
        faults.wrongProtocol(enabled);
        break;
      case 'not_ready':
        faults.notReady(enabled);
        break;
      case 'unhealthy':
        faults.unhealthy(enabled);
        break;
      case 'lag':
        if (typeof body.seconds !== 'number') return bad(reply, 'lag needs a numeric `seconds`.');
        faults.lag(body.seconds, typeof body.namespace === 'string' ? body.namespace : undefined);
        break;
      case 'reset':
        await faults.reset();
        break;
      default:
        return bad(reply, 'mode must be one of down, up, hang, error, wrong_protocol, not_ready, unhealthy, lag, reset.');
    }
    return snapshot();
  });

  app.get(`${SIM_ADMIN_PREFIX}/requests`, async () => ({ requests: state.requests }));
  app.delete(`${SIM_ADMIN_PREFIX}/requests`, async (_request, reply) => {
    state.requests.length = 0;
    return reply.code(204).send();
  });

  app.post(`${SIM_ADMIN_PREFIX}/usage`, async (request, reply) => {
    const body = bodyOf(request.body);
    if (typeof body.namespace !== 'string' || !USAGE_ACTION_TYPES.includes(body.action_type as UsageActionType)) {
      return bad(reply, `usage needs a namespace and an action_type among ${USAGE_ACTION_TYPES.join(', ')}.`);
    }
    const record = state.meter({
      namespace: body.namespace,
      action_type: body.action_type as UsageActionType,
      quantity: typeof body.quantity === 'number' ? body.quantity : undefined,
      window_start: typeof body.window_start === 'string' ? body.window_start : undefined,
      window_end: typeof body.window_end === 'string' ? body.window_end : undefined,
    });
    return reply.code(201).send(record);
  });

  // Plays the worker's part: close a running workflow with a terminal status.
  app.post<{ Params: { namespace: string; id: string } }>(`${SIM_ADMIN_PREFIX}/workflows/:namespace/:id/close`, async (request, reply) => {
    const body = bodyOf(request.body);
    const status = (body.status ?? 'completed') as Exclude<WorkflowStatus, 'running'>;
    if (!['completed', 'failed', 'cancelled', 'terminated'].includes(status)) return bad(reply, 'status must be a terminal status.');
    if (!state.getWorkflow(request.params.namespace, request.params.id)) return reply.code(404).send({ message: 'Workflow not found.', reason: 'instance_not_found' });
    return state.closeWorkflow(request.params.namespace, request.params.id, status, body.result);
  });
};
