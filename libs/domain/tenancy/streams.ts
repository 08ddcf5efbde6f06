/**
 * Stream names, one function per aggregate. Each names the organization, so one organization's
 * history is read without touching another's; names that are unique within their parent are part of
 * the id, which makes "already exists" an expected-revision conflict rather than a read-then-write race.
 */
export const organizationStream = (organizationId: string) => `organization-${organizationId}`;
export const projectStream = (organizationId: string, project: string) => `project-${organizationId}.${project}`;
export const environmentStream = (organizationId: string, project: string, environment: string) =>
  `environment-${organizationId}.${project}.${environment}`;
export const namespaceStream = (organizationId: string, namespace: string) => `namespace-${organizationId}.${namespace}`;
