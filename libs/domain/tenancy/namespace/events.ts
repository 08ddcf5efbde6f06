export type NamespaceCreated = {
  readonly type: 'NamespaceCreated';
  readonly data: {
    readonly organization_id: string; readonly namespace_id: string; readonly name: string;
    readonly project: string; readonly environment: string; readonly description: string; readonly created_at: string;
  };
};
export type NamespaceUpdated = {
  readonly type: 'NamespaceUpdated';
  readonly data: { readonly organization_id: string; readonly name: string; readonly description: string; readonly updated_at: string };
};
export type NamespaceDeleted = {
  readonly type: 'NamespaceDeleted';
  readonly data: { readonly organization_id: string; readonly name: string; readonly deleted_at: string };
};
export type NamespaceEvent = NamespaceCreated | NamespaceUpdated | NamespaceDeleted;
export const NAMESPACE_EVENT_TYPES: ReadonlySet<NamespaceEvent['type']> = new Set(['NamespaceCreated', 'NamespaceUpdated', 'NamespaceDeleted']);
