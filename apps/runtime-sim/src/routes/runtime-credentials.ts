import { FastifyInstance } from 'fastify';
import { SimHttpError, validationFailed } from '../http/errors';
import { RouteContext, guarded } from '../http/guard';
import { NAMESPACE_PATTERN } from '../http/protocol';
import { Validator } from '../http/validator';
import { CredentialRecord, CredentialRole } from '../state/records';
import { sha256Hex } from '../state/sim-state';

// **Assumed** paths (not published); the record shape and upsert rules follow the server's model.
const admin = { roles: ['admin'], versioned: true, requireNamespace: false } as const;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CREDENTIAL_ROLES: readonly CredentialRole[] = ['operator', 'worker'];
const TOKEN_RULE = { required: true, min: 32, max: 512 } as const;

/** The token itself is never stored or shown: only its sha256 and a 12-character prefix. */
const serialize = (c: CredentialRecord): Record<string, unknown> => {
  const { token_hash: _hash, ...visible } = c;
  return { ...visible };
};

const notFound = (id: string): SimHttpError =>
  new SimHttpError(404, 'runtime_credential_not_found', 'Runtime credential not found.', { credential_id: id });

const tokenConflict = (): SimHttpError =>
  new SimHttpError(409, 'runtime_credential_token_conflict', 'The supplied runtime credential token is already assigned.');

const checkId = (id: string): void => {
  if (!ID_PATTERN.test(id)) throw validationFailed({ credential_id: ['The credential id format is invalid.'] });
};

/** Same attributes (and not revoked) makes an upsert a no-op; anything else is a conflict. */
const sameCredential = (a: CredentialRecord, b: CredentialRecord): boolean =>
  a.name === b.name &&
  a.subject === b.subject &&
  a.tenant === b.tenant &&
  a.token_hash === b.token_hash &&
  a.expires_at === b.expires_at &&
  a.revoked_at === null &&
  JSON.stringify(a.roles) === JSON.stringify(b.roles) &&
  JSON.stringify(a.claims) === JSON.stringify(b.claims);

export const registerRuntimeCredentials = (app: FastifyInstance, ctx: RouteContext): void => {
  const { state } = ctx;
  const existing = (id: string): CredentialRecord => {
    const credential = state.credentials.get(id);
    if (!credential) throw notFound(id);
    return credential;
  };
  const tokenTakenByOther = (token: string, id: string): boolean => {
    const holder = state.findCredentialByToken(token);
    return holder !== undefined && holder.id !== id;
  };

  app.get('/api/runtime-credentials', guarded(ctx, admin, () => ({ status: 200, body: { credentials: [...state.credentials.values()].map(serialize) } })));

  app.get('/api/runtime-credentials/:id', guarded(ctx, admin, ({ params }) => ({ status: 200, body: serialize(existing(params.id)) })));

  app.put(
    '/api/runtime-credentials/:id',
    guarded(ctx, admin, ({ params, body }) => {
      checkId(params.id);
      const v = new Validator(body);
      const token = v.string('token', TOKEN_RULE);
      const name = v.string('name', { max: 255 }) ?? null;
      const subject = v.string('subject', { required: true, max: 255 }).trim();
      const tenant = v.string('tenant', { required: true, max: 128, pattern: NAMESPACE_PATTERN }).toLowerCase();
      const claims = v.object('claims') ?? {};
      const expiresAt = v.date('expires_at') ?? null;
      const roles = body.roles;
      if (!Array.isArray(roles) || roles.length === 0) v.add('roles', 'The roles field must be a non-empty array.');
      else if (!roles.every((r) => (CREDENTIAL_ROLES as readonly unknown[]).includes(r))) v.add('roles', `Each role must be one of: ${CREDENTIAL_ROLES.join(', ')}.`);
      v.done();

      const now = state.now();
      const candidate: CredentialRecord = {
        id: params.id,
        name,
        subject,
        roles: [...new Set(roles as CredentialRole[])].sort(),
        tenant,
        claims,
        token_hash: sha256Hex(token),
        token_prefix: token.slice(0, 12),
        expires_at: expiresAt,
        revoked_at: null,
        rotated_at: null,
        created_at: now,
        updated_at: now,
      };
      const current = state.credentials.get(params.id);
      if (current) {
        if (!sameCredential(current, candidate)) {
          throw new SimHttpError(409, 'runtime_credential_conflict', 'Runtime credential already exists with different attributes.', { credential_id: params.id });
        }
        return { status: 200, body: { ...serialize(current), created: false } };
      }
      if (tokenTakenByOther(token, params.id)) throw tokenConflict();
      state.credentials.set(params.id, candidate);
      return { status: 201, body: { ...serialize(candidate), created: true } };
    }),
  );

  app.post(
    '/api/runtime-credentials/:id/rotate',
    guarded(ctx, admin, ({ params, body }) => {
      checkId(params.id);
      const v = new Validator(body);
      const token = v.string('token', TOKEN_RULE);
      const expiresAt = v.date('expires_at');
      v.done();
      const current = existing(params.id);
      if (tokenTakenByOther(token, params.id)) throw tokenConflict();
      const now = state.now();
      const rotated: CredentialRecord = {
        ...current,
        token_hash: sha256Hex(token),
        token_prefix: token.slice(0, 12),
        expires_at: expiresAt === undefined ? current.expires_at : expiresAt,
        revoked_at: null,
        rotated_at: now,
        updated_at: now,
      };
      state.credentials.set(params.id, rotated);
      return { status: 200, body: serialize(rotated) };
    }),
  );

  app.post(
    '/api/runtime-credentials/:id/revoke',
    guarded(ctx, admin, ({ params }) => {
      checkId(params.id);
      const current = existing(params.id);
      // Revoking twice keeps the first revocation time.
      const revoked: CredentialRecord = current.revoked_at ? current : { ...current, revoked_at: state.now(), updated_at: state.now() };
      state.credentials.set(params.id, revoked);
      return { status: 200, body: serialize(revoked) };
    }),
  );

  // **Assumed**: suspend and resume (a billing restriction on the Cloud side); both idempotent, a revoked credential stays revoked.
  for (const [action, suspended] of [['suspend', true], ['resume', false]] as const) {
    app.post(
      `/api/runtime-credentials/:id/${action}`,
      guarded(ctx, admin, ({ params }) => {
        checkId(params.id);
        const current = existing(params.id);
        const already = Boolean(current.suspended_at) === suspended;
        const next: CredentialRecord = already ? current : { ...current, suspended_at: suspended ? state.now() : null, updated_at: state.now() };
        state.credentials.set(params.id, next);
        return { status: 200, body: serialize(next) };
      }),
    );
  }
};
