/**
 * Stream names of the placement context, one function per aggregate. Each names the organization
 * that owns the aggregate (`platform` for hosted runtime targets), so one organization's history is
 * read without touching another's.
 */
export const PLATFORM_OWNER = 'platform';

export const runtimeTargetStream = (ownerOrganizationId: string | null, runtimeTargetId: string) =>
  `runtime_target-${ownerOrganizationId ?? PLATFORM_OWNER}.${runtimeTargetId}`;

/** Keyed by the namespace's id, so a namespace deleted and created again starts unplaced. */
export const namespacePlacementStream = (organizationId: string, namespaceId: string) =>
  `namespace_placement-${organizationId}.${namespaceId}`;

/** One claim per runtime namespace name on a target: the name is part of the id, so a taken name is a conflict. */
export const runtimeNamespaceClaimStream = (runtimeTargetId: string, runtimeNamespace: string) =>
  `runtime_namespace-${runtimeTargetId}.${runtimeNamespace}`;

export const runtimeCredentialStream = (organizationId: string, credentialId: string) =>
  `runtime_credential-${organizationId}.${credentialId}`;
