import { FastifyRequest } from 'fastify';
import { Clock } from '../http/clock';

export type OrganizationRole = 'owner' | 'admin' | 'finance' | 'auditor' | 'member';

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
  /** The control plane's clock (create-app.ts sets it on every request). */
  clock?: Clock;
}

export const principalOf = (request: FastifyRequest): Principal | undefined => (request as AuthenticatedRequest).principal;
