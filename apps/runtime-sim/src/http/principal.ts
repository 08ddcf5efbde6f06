import { createHash, timingSafeEqual } from 'node:crypto';
import { CredentialRecord, Principal, ServerRole } from '../state/records';
import { SimState } from '../state/sim-state';

export interface ServerTokens {
  readonly worker: string;
  readonly operator: string;
  readonly admin: string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
/** Compares digests so the comparison time does not depend on where the tokens differ. */
const sameToken = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export const bearerToken = (authorization: string | undefined): string | null => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : null;
};

const credentialUsable = (credential: CredentialRecord, now: Date): boolean =>
  credential.revoked_at === null && !credential.suspended_at && (credential.expires_at === null || Date.parse(credential.expires_at) > now.getTime());

/**
 * The principal comes from the authenticated credential only; identity headers a caller forwards
 * are never trusted (the server treats them as spoofing).
 */
export const authenticate = (token: string | null, tokens: ServerTokens, state: SimState): Principal | null => {
  if (token === null) return null;
  for (const role of ['admin', 'operator', 'worker'] as const satisfies readonly ServerRole[]) {
    if (sameToken(token, tokens[role])) {
      return { roles: [role], primaryRole: role, subject: `server-token:${role}`, authMethod: 'token', credentialId: null, tenant: null };
    }
  }
  const credential = state.findCredentialByToken(token);
  if (!credential || !credentialUsable(credential, state.clock())) return null;
  return {
    roles: credential.roles,
    primaryRole: credential.roles.includes('operator') ? 'operator' : 'worker',
    subject: credential.subject,
    authMethod: 'runtime_credential',
    credentialId: credential.id,
    tenant: credential.tenant,
  };
};
