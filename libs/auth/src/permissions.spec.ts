import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoleBinding } from '../../domain/identity';
import {
  AccessSnapshot, can, Capability, CAPABILITIES, CAPABILITY_LEVEL, effectiveCapabilities, PermissionBinding, PermissionPrincipal,
  permissionDiff, Resource, ResourceLevel, ROLE_CAPABILITY_TABLE, roleCapabilityTableMarkdown,
} from './permissions';

const ORG: Resource = {};
const P: Resource = { project: 'shop' };
const Q: Resource = { project: 'billing' };
const PE: Resource = { project: 'shop', environment: 'prod' };
const PF: Resource = { project: 'shop', environment: 'staging' };
const QE: Resource = { project: 'billing', environment: 'prod' };
const PEN: Resource = { project: 'shop', environment: 'prod', namespace: 'orders' };
const PEM: Resource = { project: 'shop', environment: 'prod', namespace: 'payments' };
const PFK: Resource = { project: 'shop', environment: 'staging', namespace: 'orders-staging' };
const QEL: Resource = { project: 'billing', environment: 'prod', namespace: 'ledger' };
const ALL_RESOURCES = [ORG, P, Q, PE, PF, QE, PEN, PEM, PFK, QEL];

const user = (organization_role: PermissionPrincipal['organization_role'], id = 'usr_1'): PermissionPrincipal => ({ id, organization_role });
const serviceAccount: PermissionPrincipal = { id: 'sa_1', organization_role: null };
const bind = (role: PermissionBinding['role'], scope: PermissionBinding['scope'], principal_id = 'usr_1'): PermissionBinding => ({ principal_id, role, scope });

const levelOfResource = (r: Resource): ResourceLevel =>
  r.namespace ? 'namespace' : r.environment ? 'environment' : r.project ? 'project' : 'organization';
/** The resources a capability can be asked about (its level). */
const resourcesFor = (capability: Capability) => ALL_RESOURCES.filter((r) => levelOfResource(r) === CAPABILITY_LEVEL[capability]);
const granted = (principal: PermissionPrincipal, bindings: readonly PermissionBinding[]) =>
  CAPABILITIES.flatMap((c) => resourcesFor(c).filter((r) => can(principal, bindings, c, r)).map((r) => `${c} ${JSON.stringify(r)}`));

describe('CAPABILITIES', () => {
  it('is a frozen, ordered list of the 18 principal capabilities', () => {
    expect(Object.isFrozen(CAPABILITIES)).toBe(true);
    expect(CAPABILITIES).toHaveLength(18);
    expect(new Set(CAPABILITIES).size).toBe(18);
    expect(CAPABILITIES[0]).toBe('organization.read');
    expect(CAPABILITIES).not.toContain('usage.ingest');
    expect(Object.keys(CAPABILITY_LEVEL).sort()).toEqual([...CAPABILITIES].sort());
  });
});

describe('can: organization roles', () => {
  it.each(['owner', 'admin'] as const)('lets an %s do everything in the organization', (role) => {
    for (const capability of CAPABILITIES) {
      for (const resource of resourcesFor(capability)) expect(can(user(role), [], capability, resource)).toBe(true);
    }
  });

  it('lets finance read the organization and billing only', () => {
    expect(granted(user('finance'), [])).toEqual(['organization.read {}', 'billing.read {}']);
  });

  it('lets an auditor read the organization and the audit log only', () => {
    expect(granted(user('auditor'), [])).toEqual(['organization.read {}', 'audit_log.read {}']);
  });

  it('lets a member read the organization only', () => {
    expect(granted(user('member'), [])).toEqual(['organization.read {}']);
  });

  it('gives a service account nothing without bindings', () => {
    expect(granted(serviceAccount, [])).toEqual([]);
  });

  it('adds bindings to an organization role', () => {
    expect(granted(user('finance'), [bind('viewer', { project: 'shop', environment: 'prod', namespace: 'orders' })])).toEqual([
      'organization.read {}',
      'project.read {"project":"shop"}',
      'environment.read {"project":"shop","environment":"prod"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
      'billing.read {}',
    ]);
  });
});

describe('can: questions must be asked at the capability\'s level', () => {
  it('denies a capability asked about a resource of another level, even to an owner', () => {
    expect(can(user('owner'), [], 'namespace.read', P)).toBe(false);
    expect(can(user('owner'), [], 'organization.read', PEN)).toBe(false);
    expect(can(user('owner'), [], 'environments.create', PE)).toBe(false);
    expect(can(user('owner'), [], 'namespaces.create', PEN)).toBe(false);
  });

  it.each<[string, Resource]>([
    ['a namespace without its path', { namespace: 'orders' }],
    ['a namespace without its environment', { project: 'shop', namespace: 'orders' }],
    ['an environment without its project', { environment: 'prod' }],
    ['an empty name', { project: '' }],
    ['a non-string name', { project: 42 as unknown as string }],
  ])('denies %s, even to an owner', (_, resource) => {
    for (const capability of CAPABILITIES) expect(can(user('owner'), [], capability, resource)).toBe(false);
  });

  it('treats null fields as unset (read-model rows)', () => {
    expect(can(user('owner'), [], 'project.read', { project: 'shop', environment: null, namespace: null })).toBe(true);
  });

  it('denies an unknown capability', () => {
    expect(can(user('owner'), [], 'usage.ingest' as Capability, ORG)).toBe(false);
  });
});

describe('can: role bindings', () => {
  it('covers a project, its environments and their namespaces', () => {
    const bindings = [bind('viewer', { project: 'shop' })];
    expect(can(serviceAccount, bindings.map((b) => ({ ...b, principal_id: 'sa_1' })), 'namespace.read', PFK)).toBe(true);
    expect(granted(user(null), bindings)).toEqual([
      'project.read {"project":"shop"}',
      'environment.read {"project":"shop","environment":"prod"}',
      'environment.read {"project":"shop","environment":"staging"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"payments"}',
      'namespace.read {"project":"shop","environment":"staging","namespace":"orders-staging"}',
    ]);
  });

  it('lets a project developer create environments and namespaces in it, not projects', () => {
    const bindings = [bind('developer', { project: 'shop' })];
    expect(can(user(null), bindings, 'environments.create', P)).toBe(true);
    expect(can(user(null), bindings, 'namespaces.create', PF)).toBe(true);
    expect(can(user(null), bindings, 'workflows.forward', PEM)).toBe(true);
    expect(can(user(null), bindings, 'projects.create', ORG)).toBe(false);
    expect(can(user(null), bindings, 'environments.create', Q)).toBe(false);
    expect(can(user(null), bindings, 'namespace.manage', PEM)).toBe(false);
  });

  it('lets an environment binding create namespaces in it and see its project, nothing on sibling environments', () => {
    const bindings = [bind('developer', { project: 'shop', environment: 'prod' })];
    expect(can(user(null), bindings, 'namespaces.create', PE)).toBe(true);
    expect(can(user(null), bindings, 'workflows.forward', PEN)).toBe(true);
    expect(can(user(null), bindings, 'project.read', P)).toBe(true);
    expect(can(user(null), bindings, 'environments.create', P)).toBe(false);
    expect(can(user(null), bindings, 'environment.read', PF)).toBe(false);
    expect(can(user(null), bindings, 'namespace.read', PFK)).toBe(false);
    expect(can(user(null), bindings, 'environment.read', QE)).toBe(false);
  });

  it('lets a namespace admin administer that namespace only, and navigate to it', () => {
    const bindings = [bind('admin', { project: 'shop', environment: 'prod', namespace: 'orders' })];
    expect(granted(user(null), bindings)).toEqual([
      'project.read {"project":"shop"}',
      'environment.read {"project":"shop","environment":"prod"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
      'namespace.manage {"project":"shop","environment":"prod","namespace":"orders"}',
      'workflows.forward {"project":"shop","environment":"prod","namespace":"orders"}',
      'replication.manage {"project":"shop","environment":"prod","namespace":"orders"}',
    ]);
    expect(can(user(null), bindings, 'namespace.read', PEM)).toBe(false);
    expect(can(user(null), bindings, 'namespaces.create', PE)).toBe(false);
  });

  it('lets a namespace-only scope act on the namespace but reveals no ancestor', () => {
    expect(granted(user(null), [bind('developer', { namespace: 'orders' })])).toEqual([
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
      'workflows.forward {"project":"shop","environment":"prod","namespace":"orders"}',
    ]);
  });

  it('reveals only the ancestors a scope names', () => {
    expect(granted(user(null), [bind('viewer', { project: 'shop', namespace: 'orders' })])).toEqual([
      'project.read {"project":"shop"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
    ]);
  });

  it('matches every field the scope names: a scope naming another project covers nothing', () => {
    expect(granted(user(null), [bind('admin', { project: 'billing', namespace: 'orders' })])).toEqual([
      'project.read {"project":"billing"}',
    ]);
  });

  it('gives a viewer read access only', () => {
    expect(granted(user(null), [bind('viewer', { project: 'shop', environment: 'prod', namespace: 'orders' })])).toEqual([
      'project.read {"project":"shop"}',
      'environment.read {"project":"shop","environment":"prod"}',
      'namespace.read {"project":"shop","environment":"prod","namespace":"orders"}',
    ]);
  });

  it('never grants an organization-level capability', () => {
    const bindings = [bind('admin', { project: 'shop' }), bind('admin', { project: 'billing' })];
    for (const capability of CAPABILITIES.filter((c) => CAPABILITY_LEVEL[c] === 'organization')) {
      expect(can(user(null), bindings, capability, ORG)).toBe(false);
    }
  });

  it('ignores other principals\' bindings', () => {
    expect(granted(user('member', 'usr_1'), [bind('admin', { project: 'shop' }, 'usr_2')])).toEqual(['organization.read {}']);
  });

  it('ignores bindings it cannot read (fail closed)', () => {
    const broken: PermissionBinding[] = [
      bind('owner' as PermissionBinding['role'], { project: 'shop' }),
      bind('admin', {}),
      bind('admin', { environment: 'prod' }),
      bind('admin', { project: '' }),
    ];
    expect(granted(user(null), broken)).toEqual([]);
  });

  it('reads bindings with null columns and domain RoleBindings alike', () => {
    expect(can(user(null), [bind('viewer', { project: 'shop', environment: null, namespace: null })], 'namespace.read', PEN)).toBe(true);
    const domainBinding: RoleBinding = {
      binding_id: 'rb_1', principal_id: 'usr_1', principal_kind: 'user', role: 'viewer', scope: { namespace: 'orders' }, created_at: '2026-05-01T00:00:00.000Z',
    };
    expect(can(user(null), [domainBinding], 'namespace.read', PEN)).toBe(true);
  });
});

describe('effectiveCapabilities', () => {
  it('lists grants on the organization and the given resources, in order, skipping malformed and repeated ones', () => {
    const grants = effectiveCapabilities(user('finance'), [bind('developer', { project: 'shop', environment: 'prod' })], [
      PEN, { namespace: 'orders' }, PE, PEN, Q,
    ]);
    expect(grants).toEqual([
      { capability: 'organization.read', resource: {} },
      { capability: 'billing.read', resource: {} },
      { capability: 'namespace.read', resource: PEN },
      { capability: 'workflows.forward', resource: PEN },
      { capability: 'environment.read', resource: PE },
      { capability: 'namespaces.create', resource: PE },
    ]);
  });

  it('agrees with can on every resource', () => {
    const bindings = [bind('admin', { namespace: 'orders' }), bind('viewer', { project: 'billing' })];
    const grants = effectiveCapabilities(user('member'), bindings, ALL_RESOURCES);
    const expected = ALL_RESOURCES.flatMap((r) => CAPABILITIES.filter((c) => can(user('member'), bindings, c, r)).map((c) => ({ capability: c, resource: r })));
    expect(grants).toEqual(expected);
  });
});

describe('permissionDiff', () => {
  const base: AccessSnapshot = {
    principals: [user('member', 'usr_a'), user('admin', 'usr_b'), serviceAccount],
    bindings: [bind('viewer', { project: 'shop', environment: 'prod', namespace: 'orders' }, 'sa_1')],
    resources: [P, PE, PEN, PEM],
  };

  it('is empty when nothing changes', () => {
    expect(permissionDiff(base, base)).toEqual([]);
  });

  it('lists what a new binding grants', () => {
    const after = { ...base, bindings: [...base.bindings, bind('developer', { project: 'shop', environment: 'prod', namespace: 'payments' }, 'usr_a')] };
    expect(permissionDiff(base, after)).toEqual([
      { principal_id: 'usr_a', capability: 'project.read', resource: P, change: 'gained' },
      { principal_id: 'usr_a', capability: 'environment.read', resource: PE, change: 'gained' },
      { principal_id: 'usr_a', capability: 'namespace.read', resource: PEM, change: 'gained' },
      { principal_id: 'usr_a', capability: 'workflows.forward', resource: PEM, change: 'gained' },
    ]);
  });

  it('lists what a demotion and a deleted binding take away', () => {
    const after: AccessSnapshot = { ...base, principals: [user('member', 'usr_a'), user('finance', 'usr_b'), serviceAccount], bindings: [] };
    const diff = permissionDiff(base, after);
    expect(diff.filter((c) => c.principal_id === 'sa_1')).toEqual([
      { principal_id: 'sa_1', capability: 'project.read', resource: P, change: 'lost' },
      { principal_id: 'sa_1', capability: 'environment.read', resource: PE, change: 'lost' },
      { principal_id: 'sa_1', capability: 'namespace.read', resource: PEN, change: 'lost' },
    ]);
    const usrB = diff.filter((c) => c.principal_id === 'usr_b');
    expect(usrB.every((c) => c.change === 'lost')).toBe(true);
    expect(usrB.map((c) => c.capability)).toContain('members.manage');
    expect(usrB.map((c) => c.capability)).not.toContain('billing.read');
    expect(diff.some((c) => c.principal_id === 'usr_a')).toBe(false);
  });

  it('lists everything a removed principal loses', () => {
    const after: AccessSnapshot = { ...base, principals: base.principals.filter((p) => p.id !== 'usr_a') };
    expect(permissionDiff(base, after)).toEqual([{ principal_id: 'usr_a', capability: 'organization.read', resource: {}, change: 'lost' }]);
  });
});

describe('ROLE_CAPABILITY_TABLE', () => {
  /** The tree the table is checked on; scopes are full paths so that every relation is explicit. */
  const SCOPES: readonly Resource[] = [P, PE, PEN];
  const isPrefix = (a: Resource, b: Resource) =>
    (a.project === undefined || a.project === b.project) &&
    (a.environment === undefined || a.environment === b.environment) &&
    (a.namespace === undefined || a.namespace === b.namespace);
  const depth = (r: Resource) => ['organization', 'project', 'environment', 'namespace'].indexOf(levelOfResource(r));
  const within = (r: Resource, scope: Resource) => isPrefix(scope, r);
  const ancestorOf = (r: Resource, scope: Resource) => depth(r) < depth(scope) && isPrefix(r, scope);

  it('has a row for every organization role, service accounts and every binding role', () => {
    expect(ROLE_CAPABILITY_TABLE.map((r) => `${r.granted_by}:${r.role}`)).toEqual([
      'organization_role:owner', 'organization_role:admin', 'organization_role:finance', 'organization_role:auditor', 'organization_role:member', 'organization_role:null',
      'role_binding:admin', 'role_binding:developer', 'role_binding:viewer',
    ]);
  });

  it.each(ROLE_CAPABILITY_TABLE.filter((r) => r.granted_by === 'organization_role').map((r) => [r.label, r] as const))(
    'matches can for the organization role %s',
    (_, row) => {
      const principal = user(row.role as PermissionPrincipal['organization_role']);
      for (const capability of CAPABILITIES) {
        expect(['organization', 'none']).toContain(row.cells[capability]);
        for (const resource of resourcesFor(capability)) {
          expect([capability, resource, can(principal, [], capability, resource)]).toEqual([capability, resource, row.cells[capability] === 'organization']);
        }
      }
    },
  );

  it.each(ROLE_CAPABILITY_TABLE.filter((r) => r.granted_by === 'role_binding').map((r) => [r.label, r] as const))(
    'matches can for the %s at every scope level',
    (_, row) => {
      for (const scope of SCOPES) {
        const bindings = [bind(row.role as PermissionBinding['role'], scope, 'sa_1')];
        for (const capability of CAPABILITIES) {
          const cell = row.cells[capability];
          for (const resource of resourcesFor(capability)) {
            const expected =
              ((cell === 'scope' || cell === 'scope_and_ancestors') && within(resource, scope)) ||
              (cell === 'scope_and_ancestors' && ancestorOf(resource, scope)) ||
              cell === 'organization';
            expect([scope, capability, resource, can(serviceAccount, bindings, capability, resource)]).toEqual([scope, capability, resource, expected]);
          }
        }
      }
    },
  );

  it('is the table the identity README shows', () => {
    const readme = readFileSync(join(__dirname, '../../domain/identity/README.md'), 'utf8');
    expect(readme).toContain(roleCapabilityTableMarkdown());
  });

  it('renders as a markdown table with a row per capability', () => {
    const markdown = roleCapabilityTableMarkdown();
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('| capability | owner | admin | finance | auditor | member | service account | binding: admin | binding: developer | binding: viewer |');
    expect(lines.filter((l) => l.startsWith('| `'))).toHaveLength(CAPABILITIES.length);
    expect(markdown).toContain('| `billing.read` | ✓ | ✓ | ✓ | — | — | — | — | — | — |');
    expect(markdown).toContain('| `audit_log.read` | ✓ | ✓ | — | ✓ | — | — | — | — | — |');
    expect(markdown).toContain('| `project.read` | ✓ | ✓ | — | — | — | — | in scope + ancestors | in scope + ancestors | in scope + ancestors |');
    expect(markdown).toContain('| `namespace.manage` | ✓ | ✓ | — | — | — | — | in scope | — | — |');
  });
});
