import { registerTarget, startSimulators } from '../test/support/runtime-fixtures';
import { createOrganization, startTestApp } from '../test/support/test-app';
import { size } from './support/options';
import { printTable } from './support/report';
import { results } from './support/results';

const INTERVAL_MS = 1000;
const RTO_S = 20 * 60;

/**
 * Home failure → routing switched: the home simulator goes down and the time until the enrollment
 * records `ReplicationRoutingSwitched` is measured, in check intervals and in seconds, at a 1 s
 * interval (the control plane on PGlite, both simulators in this process), beside the promised RTO.
 * The floor is `failover_after_failed_checks` (2) intervals; the rest is probing, recording and the
 * role changes on both targets.
 */
export async function runFailoverBench(): Promise<void> {
  const ROUNDS = size('BENCH_FAILOVER_ROUNDS', 3, 1);
  process.env.DWC_REPLICATION_CHECK_INTERVAL_MS = String(INTERVAL_MS);
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'error';
  const app = await startTestApp({ runtimeTimeoutMs: 5000 });
  const rows: string[][] = [['round', 'failure → routing switched (s)', 'check intervals', 'RTO (s)', 'share of RTO']];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const [home, secondary] = await startSimulators(2, `bench-failover-${round}`);
      try {
        const { api } = await createOrganization(app, `failover-${round}`);
        const homeTarget = await registerTarget(api, home, { region: 'eu-west-1' });
        const secondaryTarget = await registerTarget(api, secondary, { region: 'eu-central-1' });
        await api.post('/api/v1/projects', { name: 'commerce' });
        await api.post('/api/v1/projects/commerce/environments', { name: 'prod' });
        await api.post('/api/v1/projects/commerce/environments/prod/namespaces', { name: 'orders', runtime_target_id: homeTarget.id });
        const provisionedBy = Date.now() + 60_000;
        while ((await api.get('/api/v1/namespaces/orders')).body.provisioning?.status !== 'provisioned') {
          if (Date.now() > provisionedBy) throw new Error('the namespace was not provisioned within 60 s');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const enrolled = await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryTarget.id });
        if (enrolled.status !== 200) throw new Error(`enrollment failed: ${JSON.stringify(enrolled.body)}`);
        const view = async () => (await api.get('/api/v1/namespaces/orders/replication')).body as { saga: { checks: number }; current_primary: { id: string }; recent_switches: { type: string; at?: string }[] };
        const checkedBy = Date.now() + 60_000;
        while ((await view()).saga.checks < 2) {
          if (Date.now() > checkedBy) throw new Error('no readiness checks within 60 s');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await home.faults.down();
        const failedAt = Date.now();
        const deadline = failedAt + 120_000;
        while ((await view()).current_primary.id !== secondaryTarget.id) {
          if (Date.now() > deadline) throw new Error('no failover within 120 s');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const switched = (await view()).recent_switches.find((s) => s.type === 'ReplicationSwitchCompleted');
        const at = switched?.at ? Date.parse(switched.at) : Date.now();
        const seconds = (at - failedAt) / 1000;
        process.stderr.write(`failover round ${round}: ${seconds.toFixed(2)} s\n`);
        results.record({ figure: `failover round ${round}: home failure → routing switched`, value: seconds, unit: 's', storage: 'pglite', baseline: { figure: 'promised RTO', value: RTO_S } });
        rows.push([String(round), seconds.toFixed(2), (seconds / (INTERVAL_MS / 1000)).toFixed(1), String(RTO_S), `${((seconds / RTO_S) * 100).toFixed(2)} %`]);
        await home.faults.up();
      } finally {
        await Promise.all([home.close(), secondary.close()]);
      }
    }
  } finally {
    await app.close();
  }
  printTable(`Failover: home failure → routing switched (check interval ${INTERVAL_MS} ms, failover after 2 failed checks)`, rows);
}

if (require.main === module) {
  runFailoverBench().catch((error) => {
    process.stderr.write(`failover bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
