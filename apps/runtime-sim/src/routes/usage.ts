import { FastifyInstance } from 'fastify';
import { validationFailed } from '../http/errors';
import { RouteContext, guarded } from '../http/guard';

// **Assumed** contract (not published): one feed per target across namespaces, cursor-paged.
const admin = { roles: ['admin'], versioned: true, requireNamespace: false } as const;

export const registerUsage = (app: FastifyInstance, ctx: RouteContext): void => {
  app.get(
    '/api/system/usage',
    guarded(ctx, admin, ({ query }) => {
      const errors: Record<string, string[]> = {};
      const after = query.after === undefined || query.after === '' ? 0 : Number(query.after);
      if (!Number.isInteger(after) || after < 0) errors.after = ['The after cursor is invalid.'];
      const limit = query.limit === undefined ? 100 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) errors.limit = ['The limit field must be an integer between 1 and 1000.'];
      if (Object.keys(errors).length > 0) throw validationFailed(errors);

      const page = ctx.state.usage.filter((r) => r.sequence > after).slice(0, limit);
      return {
        status: 200,
        body: {
          records: page.map(({ sequence: _sequence, ...record }) => record),
          // An empty page hands the same cursor back, so a poller can keep it and ask again.
          next_cursor: page.length > 0 ? String(page[page.length - 1].sequence) : query.after || null,
        },
      };
    }),
  );
};
