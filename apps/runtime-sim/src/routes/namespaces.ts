import { FastifyInstance } from 'fastify';
import { SimHttpError, namespaceNotFound } from '../http/errors';
import { RouteContext, guarded } from '../http/guard';
import { NAMESPACE_PATTERN } from '../http/protocol';
import { Validator } from '../http/validator';
import { NamespaceRecord } from '../state/records';

// Namespace routes act on the namespace named in the path, so X-Namespace need not exist.
const read = { roles: ['operator', 'admin'], versioned: true, requireNamespace: false } as const;
const write = { roles: ['admin'], versioned: true, requireNamespace: false } as const;

export const registerNamespaces = (app: FastifyInstance, ctx: RouteContext): void => {
  const { state } = ctx;
  const existing = (name: string): NamespaceRecord => {
    const record = state.namespaces.get(name.toLowerCase());
    if (!record) throw namespaceNotFound(name.toLowerCase());
    return record;
  };

  app.get('/api/namespaces', guarded(ctx, read, () => ({ status: 200, body: { namespaces: [...state.namespaces.values()] } })));

  app.post(
    '/api/namespaces',
    guarded(ctx, write, ({ body }) => {
      const v = new Validator(body);
      const name = v.string('name', { required: true, max: 128, pattern: NAMESPACE_PATTERN }).toLowerCase();
      const description = v.string('description', { max: 1000 }) ?? null;
      const retention = v.integer('retention_days', { min: 1, max: 365 }) ?? 30;
      v.done();
      if (state.namespaces.has(name)) {
        throw new SimHttpError(409, 'namespace_already_exists', `Namespace '${name}' already exists.`, { namespace: name });
      }
      return { status: 201, body: { ...state.createNamespace({ name, description, retention_days: retention }) } };
    }),
  );

  app.get('/api/namespaces/:name', guarded(ctx, read, ({ params }) => ({ status: 200, body: { ...existing(params.name) } })));

  app.put(
    '/api/namespaces/:name',
    guarded(ctx, write, ({ params, body }) => {
      const current = existing(params.name);
      const v = new Validator(body);
      const description = v.has('description') ? (v.string('description', { max: 1000 }) ?? null) : current.description;
      const retention = v.integer('retention_days', { min: 1, max: 365 }) ?? current.retention_days;
      const status = v.oneOf('status', ['active', 'disabled'] as const) ?? current.status;
      v.done();
      const updated: NamespaceRecord = { ...current, description, retention_days: retention, status, updated_at: state.now() };
      state.namespaces.set(updated.name, updated);
      return { status: 200, body: { ...updated } };
    }),
  );
};
