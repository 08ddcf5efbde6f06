import fc from 'fast-check';
import { RoleScopeInput } from '../../domain/identity';
import { can, CAPABILITIES, mayActOnPrincipal, PermissionBinding, PermissionPrincipal, Resource } from './permissions';

/**
 * The rule for acting on another principal (keys, role, bindings, removal): the actor must hold
 * everything the target holds. Checked against `can` over a concrete tenancy tree, so a "yes" can
 * never hand the actor (through the target's keys) a capability it lacks anywhere.
 */

const PROJECTS = ['p1', 'p2'];
const ENVIRONMENTS = ['e1', 'e2'];
const NAMESPACES = PROJECTS.flatMap((project) => ENVIRONMENTS.flatMap((environment) =>
  [1, 2].map((i) => ({ project, environment, namespace: `${project}${environment}n${i}` }))));
const TREE: readonly Resource[] = [
  {}, ...PROJECTS.map((project) => ({ project })),
  ...PROJECTS.flatMap((project) => ENVIRONMENTS.map((environment) => ({ project, environment }))),
  ...NAMESPACES,
  // Resources that exist in the organization but that no binding below names.
  { project: 'p9' }, { project: 'p9', environment: 'e9' }, { project: 'p9', environment: 'e9', namespace: 'zz' },
  { project: 'p1', environment: 'e9', namespace: 'p1e1n1' },
];

const scopeArb: fc.Arbitrary<RoleScopeInput> = fc.oneof(
  fc.constantFrom(...PROJECTS).map((project) => ({ project })),
  fc.tuple(fc.constantFrom(...PROJECTS), fc.constantFrom(...ENVIRONMENTS)).map(([project, environment]) => ({ project, environment })),
  fc.constantFrom(...NAMESPACES),
  fc.constantFrom(...NAMESPACES).map(({ namespace }) => ({ namespace })),
  fc.tuple(fc.constantFrom(...PROJECTS), fc.constantFrom(...NAMESPACES)).map(([project, { namespace }]) => ({ project, namespace })),
);
const principalArb = (id: string) => fc.record({
  principal: fc.constantFrom<PermissionPrincipal['organization_role']>('owner', 'admin', 'finance', 'member', null)
    .map((organization_role): PermissionPrincipal => ({ id, organization_role })),
  bindings: fc.array(fc.record({ role: fc.constantFrom('admin', 'developer', 'viewer'), scope: scopeArb }), { maxLength: 4 })
    .map((bs) => bs.map((b): PermissionBinding => ({ principal_id: id, role: b.role as PermissionBinding['role'], scope: b.scope }))),
});

const dominates = (actor: { principal: PermissionPrincipal; bindings: readonly PermissionBinding[] },
  target: { principal: PermissionPrincipal; bindings: readonly PermissionBinding[] }) =>
  TREE.every((resource) => CAPABILITIES.every((capability) =>
    !can(target.principal, target.bindings, capability, resource) || can(actor.principal, actor.bindings, capability, resource)));

describe('mayActOnPrincipal', () => {
  it('allows an action only when the actor holds every capability the target holds, anywhere', () => {
    fc.assert(fc.property(principalArb('usr_actor'), principalArb('usr_target'), (actor, target) => {
      const allowed = mayActOnPrincipal(actor.principal, actor.bindings, target.principal, target.bindings);
      if (allowed) {
        expect(dominates(actor, target)).toBe(true);
        if (target.principal.organization_role === 'owner') expect(actor.principal.organization_role).toBe('owner');
      }
      // Whatever a principal is, it may act on itself, and an owner may act on anyone.
      expect(mayActOnPrincipal(target.principal, target.bindings, target.principal, target.bindings)).toBe(true);
      expect(mayActOnPrincipal({ id: 'usr_o', organization_role: 'owner' }, [], target.principal, target.bindings)).toBe(true);
    }), { numRuns: 500 });
  });

  it('is not stricter than needed: a target holding a subset of the actor\'s bindings may be acted on', () => {
    fc.assert(fc.property(principalArb('usr_actor'), fc.array(fc.nat(), { maxLength: 4 }), (actor, picks) => {
      const subset = actor.bindings.filter((_, i) => picks.includes(i)).map((b) => ({ ...b, principal_id: 'sa_t' }));
      expect(mayActOnPrincipal(actor.principal, actor.bindings, { id: 'sa_t', organization_role: null }, subset)).toBe(true);
    }), { numRuns: 300 });
  });

  it('keeps owners with owners and keeps a binding holder from reaching beyond its scope', () => {
    const admin: PermissionPrincipal = { id: 'usr_a', organization_role: 'admin' };
    const owner: PermissionPrincipal = { id: 'usr_o', organization_role: 'owner' };
    expect(mayActOnPrincipal(admin, [], owner, [])).toBe(false);
    expect(mayActOnPrincipal(admin, [], { id: 'usr_b', organization_role: 'admin' }, [])).toBe(true);
    const dev: PermissionPrincipal = { id: 'sa_d', organization_role: null };
    const onP1: PermissionBinding = { principal_id: 'sa_d', role: 'developer', scope: { project: 'p1' } };
    const target: PermissionPrincipal = { id: 'sa_t', organization_role: null };
    expect(mayActOnPrincipal(dev, [onP1], target, [{ principal_id: 'sa_t', role: 'developer', scope: { project: 'p1', environment: 'e1' } }])).toBe(true);
    expect(mayActOnPrincipal(dev, [onP1], target, [{ principal_id: 'sa_t', role: 'admin', scope: { project: 'p1', environment: 'e1' } }])).toBe(false);
    expect(mayActOnPrincipal(dev, [onP1], target, [{ principal_id: 'sa_t', role: 'viewer', scope: { namespace: 'p2e1n1' } }])).toBe(false);
    expect(mayActOnPrincipal(dev, [onP1], { id: 'usr_m', organization_role: 'member' }, [])).toBe(false);
  });
});
