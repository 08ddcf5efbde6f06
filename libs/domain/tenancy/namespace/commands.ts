import { DomainCommand } from '../../shared/event';

/**
 * The handler loads the parent environment and the organization and passes what the rules need:
 * a billing-restricted organization cannot provision namespaces.
 */
export type CreateNamespace = DomainCommand<'CreateNamespace', {
  readonly namespace_id: string; readonly name: string; readonly project: string; readonly environment: string;
  readonly description?: string; readonly organization_restricted: boolean;
}>;
export type UpdateNamespace = DomainCommand<'UpdateNamespace', { readonly description: string }>;
export type DeleteNamespace = DomainCommand<'DeleteNamespace', Record<string, never>>;
export type NamespaceCommand = CreateNamespace | UpdateNamespace | DeleteNamespace;
