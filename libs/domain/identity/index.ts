export * from './roles';
export * from './membership/commands';
export * from './membership/events';
export { membershipStream, membershipDecider, principalOf, principalsOf, ownerCount, normalizeEmail, isDnsLabel } from './membership/decider';
export type { Member, ServiceAccount, MembershipState, MembershipPrincipal } from './membership/decider';
export * from './role-bindings/commands';
export * from './role-bindings/events';
export { roleBindingsStream, roleBindingsDecider, bindingsOf } from './role-bindings/decider';
export type { RoleBinding, RoleBindingsState } from './role-bindings/decider';
export * from './api-keys/commands';
export * from './api-keys/events';
export {
  apiKeyStream, apiKeyDecider, validCredentials, API_KEY_TOKEN_PREFIX_PATTERN, SECRET_HASH_PATTERN, MAX_ROTATION_GRACE_SECONDS,
} from './api-keys/decider';
export type { ApiKeyCredential, GraceCredential, ApiKeyFacts, ApiKeyState } from './api-keys/decider';
