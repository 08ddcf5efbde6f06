/** One enrollment aggregate per namespace id (a namespace created again under the same name starts unreplicated). */
export const namespaceReplicationStream = (organizationId: string, namespaceId: string) => `namespace_replication-${organizationId}.${namespaceId}`;
