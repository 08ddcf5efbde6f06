import { FastifyRequest } from 'fastify';

export type OrganizationRole = 'owner' | 'admin' | 'finance' | 'member';

/** Who a request is, resolved once by the guard. An organization principal lives in exactly one organization. */
export type Principal =
  | { readonly kind: 'operator' }
  | {
      readonly kind: 'user' | 'service_account';
      readonly id: string;
      readonly organization_id: string;
      readonly key_id: string;
      /** null for service accounts: their rights come only from role bindings. */
      readonly organization_role: OrganizationRole | null;
      readonly display: string;
    };

export type OrganizationPrincipal = Extract<Principal, { kind: 'user' | 'service_account' }>;

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
  idempotency?: { readonly scope: string; readonly key: string };
}

export const principalOf = (request: FastifyRequest): Principal | undefined => (request as AuthenticatedRequest).principal;
