export type OrganizationCreated = {
  readonly type: 'OrganizationCreated';
  readonly data: { readonly organization_id: string; readonly name: string; readonly created_at: string };
};
export type OrganizationBillingRestricted = {
  readonly type: 'OrganizationBillingRestricted';
  readonly data: { readonly organization_id: string; readonly reason: string; readonly restricted_at: string };
};
export type OrganizationBillingRestrictionLifted = {
  readonly type: 'OrganizationBillingRestrictionLifted';
  readonly data: { readonly organization_id: string; readonly reason: string; readonly lifted_at: string };
};

export type OrganizationEvent = OrganizationCreated | OrganizationBillingRestricted | OrganizationBillingRestrictionLifted;
export const ORGANIZATION_EVENT_TYPES: ReadonlySet<OrganizationEvent['type']> = new Set([
  'OrganizationCreated', 'OrganizationBillingRestricted', 'OrganizationBillingRestrictionLifted',
]);
