import { DomainCommand } from '../../shared/event';

export type CreateOrganization = DomainCommand<'CreateOrganization', { readonly organization_id: string; readonly name: string }>;
export type SetBillingRestriction = DomainCommand<'SetBillingRestriction', { readonly restricted: boolean; readonly reason: string }>;
export type OrganizationCommand = CreateOrganization | SetBillingRestriction;
