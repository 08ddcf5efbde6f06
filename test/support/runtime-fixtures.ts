import { sql } from 'kysely';
import { RuntimeSimulator, startRuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { EventMetadata } from '../../libs/domain/shared/event';
import { Client, client, TestApp } from './test-app';
import { waitUntilAsync } from './wait';

/** Registers a simulator as a runtime target of the caller's organization (or, with the operator client, of the platform). */
export async function registerTarget(api: Client, sim: RuntimeSimulator, overrides: Record<string, unknown> = {}, path = '/api/v1/runtime-targets') {
  const response = await api.post(path, {
    name: `sim ${sim.serverId}`, base_url: sim.baseUrl, region: 'eu-west-1', provider: 'aws', credential: sim.tokens.admin, ...overrides,
  });
  if (response.status !== 201) throw new Error(`target not registered: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; ingest_token: string; base_url: string; region: string; provider: string };
}

export const registerPlatformTarget = (app: TestApp, sim: RuntimeSimulator, overrides: Record<string, unknown> = {}) =>
  registerTarget(client(app.baseUrl, app.operatorToken), sim, overrides, '/api/v1/operator/runtime-targets');

/** project → environment → namespace, optionally placed at creation. */
export async function createNamespace(api: Client, namespace: string, runtimeTargetId?: string, project = 'commerce', environment = 'prod') {
  await api.post('/api/v1/projects', { name: project });
  await api.post(`/api/v1/projects/${project}/environments`, { name: environment });
  const response = await api.post(`/api/v1/projects/${project}/environments/${environment}/namespaces`,
    runtimeTargetId ? { name: namespace, runtime_target_id: runtimeTargetId } : { name: namespace });
  // 202: placed, and the target had not answered within the provisioning bound (a loaded machine); the process finishes it.
  if (response.status === 202 && runtimeTargetId) return waitUntilProvisioned(api, namespace);
  if (response.status !== 201) throw new Error(`namespace not created: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function waitUntilProvisioned(api: Client, namespace: string) {
  let body: { provisioning?: { status: string; detail: string | null } } = {};
  await waitUntilAsync(async () => {
    body = (await api.get(`/api/v1/namespaces/${namespace}`)).body;
    if (body.provisioning?.status === 'failed') throw new Error(`namespace provisioning failed: ${JSON.stringify(body)}`);
    return body.provisioning?.status === 'provisioned';
  }, 30_000, 50);
  return body;
}

export async function startSimulators(count: number, prefix = 'sim', options: { clock?: () => Date } = {}): Promise<RuntimeSimulator[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startRuntimeSimulator({ serverId: `${prefix}-${i + 1}`, ...options })));
}

/**
 * Committed events of a type, in log order. Read from the table, not `readAll`: the store's reads
 * hold back an event while an older transaction is still open, so one appended just now may not
 * show there yet.
 */
export async function eventsOfType(app: TestApp, type: string): Promise<{ data: unknown; metadata: EventMetadata }[]> {
  const result = await sql<{ data: unknown; metadata: EventMetadata }>`
    select data, metadata from es_events where type = ${type} order by transaction_id, global_position`.execute(app.storage.db);
  return result.rows;
}
