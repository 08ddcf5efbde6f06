import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { rebuildProjectors } from '../../apps/cli/src/rebuild';
import { RuntimeTargetProber } from '../../apps/control-plane/src/runtime-targets/health-prober';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { allProjectors } from '../../projections';
import { TestClock } from '../support/clock';
import { buildWorld, usageRecordFor, World } from '../support/route-fixtures';
import { startSimulators } from '../support/runtime-fixtures';
import { client, startTestApp, TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-storage';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/**
 * Every event type of every context is in the log (tenancy, identity with key rotation and role
 * bindings, runtime targets and their health, placement and migration, runtime commands forwarded and
 * refused, runtime credentials, price books, billing restriction, usage accepted and rejected, access
 * denials), every read-model table is non-empty, and rebuilding from position 0 — into a fresh schema,
 * and with the CLI's rebuild in place — gives exactly the rows the live projectors hold.
 */
describe('rebuilding projections from position 0', () => {
  let app: TestApp;
  let sims: RuntimeSimulator[];
  const clock = new TestClock();
  beforeAll(async () => {
    app = await startTestApp({ clock: clock.now, probeIntervalMs: 0 });
    sims = await startSimulators(2, 'rebuild');
  });
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    await app.close();
  });

  /** What the world does not have yet: the remaining commands of every context. */
  async function seedEverything(w: World) {
    const ok = async (what: string, call: Promise<{ status: number; body: unknown }>) => {
      const response = await call;
      if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as Record<string, any>;
    };
    const { owner, operator } = w;
    await ok('patch project', owner.patch(`/api/v1/projects/${w.project}`, { description: 'shop' }));
    await ok('patch environment', owner.patch(`/api/v1/projects/${w.project}/environments/${w.environment}`, { description: 'prod' }));
    await ok('patch namespace', owner.patch(`/api/v1/namespaces/${w.namespace}`, { description: 'orders' }));
    const doomed = await ok('namespace', owner.post(`/api/v1/projects/${w.project}/environments/${w.environment}/namespaces`, { name: 'doomed' }));
    await ok('delete namespace', owner.delete(`/api/v1/namespaces/${doomed.name}`));
    await ok('migrate', owner.post(`/api/v1/namespaces/${w.otherNamespace}/migrations`, { to_runtime_target_id: w.secondTargetId, reason: 'rebalance' }));
    const user = await ok('user', owner.post('/api/v1/users', { email: 'dev@rebuild.test', organization_role: 'member' }));
    await ok('re-role', owner.patch(`/api/v1/members/${user.id}`, { organization_role: 'finance' }));
    const binding = await ok('binding', owner.post('/api/v1/role-bindings', { principal_id: user.id, role: 'developer', scope: { project: w.project } }));
    await ok('delete binding', owner.delete(`/api/v1/role-bindings/${binding.id}`));
    const key = await ok('key', owner.post('/api/v1/api-keys', { principal_id: user.id, name: 'dev' }));
    await ok('disable key', owner.post(`/api/v1/api-keys/${key.id}/disable`, { reason: 'audit' }));
    await ok('enable key', owner.post(`/api/v1/api-keys/${key.id}/enable`));
    await ok('rotate key', owner.post(`/api/v1/api-keys/${key.id}/rotate`, { grace_seconds: 60 }));
    await ok('revoke key', owner.delete(`/api/v1/api-keys/${w.keyId}`));
    await ok('remove member', owner.delete(`/api/v1/members/${user.id}`));
    const sa = await ok('service account', owner.post('/api/v1/service-accounts', { name: 'doomed-bot' }));
    await ok('delete service account', owner.delete(`/api/v1/service-accounts/${sa.id}`));
    await ok('rotate runtime credential', owner.post(`/api/v1/namespaces/${w.namespace}/runtime-credentials/${w.runtimeCredentialId}/rotate`));
    const credential = await ok('runtime credential', owner.post(`/api/v1/namespaces/${w.namespace}/runtime-credentials`, { name: 'doomed', role: 'client' }));
    await ok('revoke runtime credential', owner.delete(`/api/v1/namespaces/${w.namespace}/runtime-credentials/${credential.id}`));
    // A refused runtime command and an access denial.
    expect((await owner.get(`/api/v1/namespaces/${w.namespace}/runtime/system/info`)).status).toBe(403);
    expect((await client(app.baseUrl, 'dwc_nope').get('/api/v1/me')).status).toBe(401);
    // Health changes of a target, by the prober.
    sims[1].faults.notReady();
    await app.app.get(RuntimeTargetProber).runRound();
    sims[1].faults.notReady(false);
    await app.app.get(RuntimeTargetProber).runRound();
    // Usage accepted and rejected; the operator's price book change and billing restriction, lifted again.
    clock.advance(60_000);
    const pushed = await ok('usage', w.ingest.post('/api/v1/usage-records', { records: [
      usageRecordFor(clock, w.runtimeNamespace, 'rebuild-ok'), { ...usageRecordFor(clock, w.runtimeNamespace, 'rebuild-bad'), quantity: -1 },
    ] }));
    expect(pushed).toMatchObject({ accepted: 1, rejected: 1 });
    await ok('price book', operator.put(`/api/v1/operator/organizations/${w.organizationId}/price-book`, { billable_action: { cents: '25', per_units: 1_000_000 } }));
    await ok('audit checkpoint', owner.post('/api/v1/audit-log/checkpoints', {}));
    await ok('restrict', operator.put(`/api/v1/operator/organizations/${w.organizationId}/billing-restriction`, { restricted: true, reason: 'overdue' }));
    await ok('lift', operator.put(`/api/v1/operator/organizations/${w.organizationId}/billing-restriction`, { restricted: false, reason: 'paid' }));
  }

  const tableRows = async (schema: string, table: string) =>
    (await sql`select * from ${sql.table(`${schema}.${table}`)} as t order by t::text`.execute(app.storage.db)).rows;

  async function snapshot(schema: string) {
    const tables: Record<string, unknown[]> = {};
    for (const projector of allProjectors) for (const table of projector.tables) tables[table] = await tableRows(schema, table);
    return tables;
  }

  it('yields exactly the rows the live projectors hold, every table non-empty, into a fresh schema and with the CLI\'s rebuild', async () => {
    const w = await buildWorld(app, clock, 'rb', sims);
    await seedEverything(w);
    const head = await app.platform.store.lastCommittedPosition();
    expect(await app.platform.runner.waitFor(head, 20_000)).toBe(true);

    const types = (await sql<{ type: string }>`select distinct type from es_events order by type`.execute(app.storage.db)).rows.map((r) => r.type);
    // Every event type the deciders emit, except NamespaceProvisioningFailed (a target that refuses provisioning on
    // every retry; its row is the same namespace_placements row with another status), plus the guard's AccessDenied.
    expect(types).toEqual(expect.arrayContaining([
      'OrganizationCreated', 'OrganizationBillingRestricted', 'OrganizationBillingRestrictionLifted', 'PriceBookSet',
      'ProjectCreated', 'ProjectUpdated', 'EnvironmentCreated', 'EnvironmentUpdated', 'NamespaceCreated', 'NamespaceUpdated', 'NamespaceDeleted',
      'UserAdded', 'MemberRoleChanged', 'MemberRemoved', 'ServiceAccountCreated', 'ServiceAccountRemoved', 'RoleBindingCreated', 'RoleBindingDeleted',
      'ApiKeyIssued', 'ApiKeyDisabled', 'ApiKeyEnabled', 'ApiKeyRotated', 'ApiKeyRevoked',
      'RuntimeTargetRegistered', 'RuntimeTargetHealthChanged', 'NamespaceRuntimeTargetAssigned', 'NamespaceProvisioned', 'NamespaceMigrated',
      'RuntimeNamespaceClaimed', 'RuntimeCommandForwarded', 'RuntimeCommandRefused',
      'RuntimeCredentialIssued', 'RuntimeCredentialRotated', 'RuntimeCredentialRevoked',
      'UsageRecorded', 'UsageRecordRejected', 'AccessDenied',
    ]));


    const live = await snapshot('public');
    const empty = Object.entries(live).filter(([, rows]) => rows.length === 0).map(([table]) => table);
    expect(empty).toEqual([]);

    // 1. Into a fresh schema, beside the live projectors.
    await sql`create schema rebuild`.execute(app.storage.db);
    const runner = new ProjectionRunner(app.platform.store, app.storage.db.withSchema('rebuild'), allProjectors);
    await runner.migrate();
    runner.start();
    expect(await runner.waitFor(head, 30_000)).toBe(true);
    await runner.stop();
    const fresh = await snapshot('rebuild');
    for (const table of Object.keys(live)) expect({ table, rows: fresh[table] }).toEqual({ table, rows: live[table] });

    // 2. The CLI's rebuild, in place: the live projectors stop first (as the CLI's usage says), then every table is replayed.
    await app.platform.runner.stop();
    if (onPostgres()) {
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (tsc -p tsconfig.json)`);
      const output = await runCli(['rebuild', 'all'], app.storage.url!);
      // One line per projector: built beside the live table up to a position, then swapped in.
      for (const projector of allProjectors) {
        expect(output).toMatch(new RegExp(`^rebuilt ${projector.name} up to \\d+\\.\\d+ in \\d+ ms and swapped it in$`, 'm'));
      }
    } else {
      // PGlite is in this process: the CLI's rebuild function itself, on the same storage.
      expect(await rebuildProjectors(app.storage, allProjectors, 30_000)).toMatchObject({ done: true });
    }
    const replayed = await snapshot('public');
    for (const table of Object.keys(live)) expect({ table, rows: replayed[table] }).toEqual({ table, rows: live[table] });
  }, 240_000);
});

async function runCli(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`cli exited ${code}: ${err}`))));
  });
}
