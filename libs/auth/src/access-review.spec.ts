import { AccessState, applyAccessEvent, emptyAccessState, namespaceReview, principalReview, ReviewEvent } from './access-review';

const ORG = 'org_a';
const fold = (events: readonly Omit<ReviewEvent, 'position'>[]): AccessState =>
  events.reduce((state, e, i) => applyAccessEvent(state, { ...e, position: `100.${i + 1}` }), emptyAccessState());

const base = [
  { type: 'UserAdded', data: { organization_id: ORG, user_id: 'usr_owner', email: 'o@a.test', organization_role: 'owner' } },
  { type: 'UserAdded', data: { organization_id: ORG, user_id: 'usr_dev', email: 'd@a.test', organization_role: 'member' } },
  { type: 'ProjectCreated', data: { organization_id: ORG, name: 'shop' } },
  { type: 'EnvironmentCreated', data: { organization_id: ORG, project: 'shop', name: 'prod' } },
  { type: 'NamespaceCreated', data: { organization_id: ORG, name: 'orders', project: 'shop', environment: 'prod' } },
  { type: 'NamespaceCreated', data: { organization_id: ORG, name: 'billing', project: 'shop', environment: 'prod' } },
  { type: 'RoleBindingCreated', data: { organization_id: ORG, binding_id: 'rb_1', principal_id: 'usr_dev', role: 'developer', scope: { project: 'shop', environment: 'prod', namespace: 'orders' } } },
  { type: 'ApiKeyIssued', data: { organization_id: ORG, key_id: 'key_dev', principal_id: 'usr_dev', name: 'ci', expires_at: null } },
];

describe('access review by replay', () => {
  it('lists who holds which role on a namespace, directly or through the organization role, with the positions used', () => {
    const review = namespaceReview(fold(base), 'orders', '2026-01-01T00:00:00Z')!;
    expect(review.principals.map((p) => [p.principal_id, p.roles.map((r) => `${r.granted_by}:${r.role}@${r.position}`)])).toEqual([
      ['usr_dev', ['role_binding:developer@100.7']],
      ['usr_owner', ['organization_role:owner@100.1']],
    ]);
    expect(review.principals[0].capabilities).toEqual(['namespace.read', 'workflows.forward']);
    expect(review.principals[0].api_keys).toEqual([{ key_id: 'key_dev', name: 'ci', status: 'active', expires_at: null, position: '100.8' }]);
    // A namespace binding covers nothing beside it.
    expect(namespaceReview(fold(base), 'billing', '2026-01-01T00:00:00Z')!.principals.map((p) => p.principal_id)).toEqual(['usr_owner']);
  });

  it('follows a role change, a revoked key and a removed binding', () => {
    const later = fold([...base,
      { type: 'MemberRoleChanged', data: { organization_id: ORG, member_id: 'usr_dev', organization_role: 'auditor', previous_role: 'member' } },
      { type: 'ApiKeyRevoked', data: { organization_id: ORG, key_id: 'key_dev', reason: null } },
      { type: 'RoleBindingDeleted', data: { organization_id: ORG, binding_id: 'rb_1', principal_id: 'usr_dev', role: 'developer', scope: {} } },
    ]);
    expect(namespaceReview(later, 'orders', '2026-01-01T00:00:00Z')!.principals.map((p) => p.principal_id)).toEqual(['usr_owner']);
    const dev = principalReview(later, 'usr_dev', '2026-01-01T00:00:00Z')!;
    expect(dev.principal).toMatchObject({ organization_role: 'auditor', position: '100.9' });
    expect(dev.api_keys).toEqual([expect.objectContaining({ status: 'revoked', position: '100.10' })]);
    expect(dev.can_authenticate).toBe(false);
    expect(dev.capabilities.map((c) => c.capability)).toEqual(['organization.read', 'audit_log.read']);
    expect(later.through).toBe('100.11');
  });

  it('shows a key past its expiry as expired at the instant', () => {
    const state = fold([...base.slice(0, 2), { type: 'ApiKeyIssued', data: { organization_id: ORG, key_id: 'k', principal_id: 'usr_dev', name: 'x', expires_at: '2026-06-01T00:00:00Z' } }]);
    expect(principalReview(state, 'usr_dev', '2026-05-31T00:00:00Z')!.api_keys[0].status).toBe('active');
    expect(principalReview(state, 'usr_dev', '2026-06-02T00:00:00Z')!.api_keys[0].status).toBe('expired');
  });

  it('knows nothing of a principal or namespace that did not exist yet', () => {
    expect(principalReview(fold(base.slice(0, 1)), 'usr_dev', '2026-01-01T00:00:00Z')).toBeNull();
    expect(namespaceReview(fold(base.slice(0, 4)), 'orders', '2026-01-01T00:00:00Z')).toBeNull();
  });
});
