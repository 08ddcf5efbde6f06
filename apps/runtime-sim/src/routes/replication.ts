import { FastifyInstance } from 'fastify';
import { SimHttpError } from '../http/errors';
import { RouteContext, guarded } from '../http/guard';
import { Validator } from '../http/validator';
import { ReplicationRecord } from '../state/records';

// **Assumed** contract (not published): per-namespace role and epoch, chosen by X-Namespace.
const admin = { roles: ['admin'], versioned: true, requireNamespace: true } as const;

export const registerReplication = (app: FastifyInstance, ctx: RouteContext): void => {
  const { state } = ctx;
  const view = (r: ReplicationRecord): Record<string, unknown> => ({
    namespace: r.namespace,
    role: r.role,
    epoch: r.epoch,
    lag_seconds: r.lag_seconds,
    // A secondary last caught up `lag_seconds` ago; a primary does not replicate in.
    last_successful_replication_at: r.role === 'secondary' ? new Date(state.clock().getTime() - r.lag_seconds * 1000).toISOString() : null,
  });

  app.get('/api/system/replication', guarded(ctx, admin, ({ namespace }) => ({ status: 200, body: view(state.replicationOf(namespace)) })));

  app.put(
    '/api/system/replication',
    guarded(ctx, admin, ({ namespace, body }) => {
      const v = new Validator(body);
      const role = v.oneOf('role', ['primary', 'secondary'] as const, { required: true });
      const epoch = v.integer('epoch', { required: true, min: 0 });
      v.done();
      if (role === undefined || epoch === undefined) throw new Error('unreachable: validated above');
      const current = state.replicationOf(namespace);
      // Epochs only move forward: an older controller's promotion or demotion must not land.
      if (epoch < current.epoch) {
        throw new SimHttpError(409, 'stale_replication_epoch', `Epoch ${epoch} is older than epoch ${current.epoch} already seen for namespace '${namespace}'.`, {
          namespace,
          epoch,
          current_epoch: current.epoch,
        });
      }
      const next: ReplicationRecord = { ...current, role, epoch };
      state.replication.set(namespace, next);
      return { status: 200, body: view(next) };
    }),
  );
};
