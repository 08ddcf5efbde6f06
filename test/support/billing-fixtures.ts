import { randomBytes, randomUUID } from 'node:crypto';
import { generateApiKeyToken } from '../../libs/auth/src/api-key-token';
import { apiKeyDecider, apiKeyStream, membershipDecider, membershipStream } from '../../libs/domain/identity';
import { CommandContext } from '../../libs/domain/shared/event';
import { handleCommand } from '../../libs/event-store/src';
import { PlacementLookup } from '../../apps/control-plane/src/billing/placement-lookup';
import { UsageIngestion, UsageRecordResult } from '../../apps/control-plane/src/billing/usage-ingestion';
import { newId } from '../../apps/control-plane/src/http/ids';
import { Client, client, TestApp } from './test-app';

/**
 * A test double of placement: each fake runtime target serves the namespaces of one organization, read from
 * the tenancy read model (the namespaces table). Windows are not checked: the placement history is not built yet.
 */
export function tenancyPlacement(app: TestApp, targets: Readonly<Record<string, string>>): PlacementLookup {
  return async (runtimeTargetId, namespaceName) => {
    const organizationId = targets[runtimeTargetId];
    if (organizationId === undefined) return null;
    const row = await app.storage.db.selectFrom('namespaces').select(['organization_id', 'name', 'project', 'environment'])
      .where('organization_id', '=', organizationId).where('name', '=', namespaceName).where('state', '!=', 'deleted')
      .executeTakeFirst();
    return row ? { organization_id: row.organization_id, namespace: row.name, project: row.project, environment: row.environment } : null;
  };
}

/** Creates project → environment → namespaces through HTTP (existing ones are fine). */
export async function createNamespaces(api: Client, project: string, environment: string, namespaces: readonly string[]): Promise<void> {
  await api.post('/api/v1/projects', { name: project });
  await api.post(`/api/v1/projects/${project}/environments`, { name: environment });
  for (const name of namespaces) {
    const created = await api.post(`/api/v1/projects/${project}/environments/${environment}/namespaces`, { name });
    if (created.status !== 201) throw new Error(`namespace ${name} not created: ${created.status} ${JSON.stringify(created.body)}`);
  }
}

/** Ingests through the real `UsageIngestion`, then waits until every projection has caught up. */
export async function ingest(app: TestApp, runtimeTargetId: string, records: unknown[], placement: PlacementLookup,
  now = new Date('2026-07-01T00:00:00Z')): Promise<UsageRecordResult[]> {
  const results = await app.app.get(UsageIngestion).ingest(runtimeTargetId, records, now, placement);
  await caughtUp(app);
  return results;
}

/** Waits until every projection has passed the last event committed so far (not merely the last one visible). */
export async function caughtUp(app: TestApp): Promise<void> {
  const position = await app.platform.store.lastCommittedPosition();
  if (!(await app.platform.runner.waitFor(position, 10_000))) throw new Error('projections did not catch up');
}

export interface UsageRecordInput {
  readonly record_id: string;
  readonly namespace: string;
  readonly action_type: string;
  readonly quantity: number;
  readonly window_start: string;
  readonly window_end: string;
}

/** A one-hour usage record starting at `start` (RFC 3339). */
export const usageRecord = (record_id: string, namespace: string, action_type: string, quantity: number, start = '2026-05-10T10:00:00Z'): UsageRecordInput => ({
  record_id, namespace, action_type, quantity, window_start: start,
  window_end: new Date(new Date(start).getTime() + 3_600_000).toISOString(),
});

/**
 * A user with `role` and an API key, made through the membership and API-key deciders (there is no identity
 * HTTP route yet). Returns a client speaking with that key.
 */
export async function addUserWithKey(app: TestApp, organizationId: string, role: 'admin' | 'finance' | 'member'): Promise<Client> {
  const userId = newId('usr');
  const keyId = newId('key');
  const context = (step: string): CommandContext => ({
    command_id: `test-user-${randomUUID()}:${step}`, organization_id: organizationId, actor: { id: 'platform-operator', kind: 'operator' },
    request_id: 'test', correlation_id: 'test', now: new Date().toISOString(),
  });
  const store = app.platform.store;
  await handleCommand(store, membershipDecider, membershipStream(organizationId), {
    type: 'AddUser', data: { user_id: userId, email: `${role}-${userId}@example.test`, organization_role: role }, context: context('user'),
  });
  const token = generateApiKeyToken(randomBytes);
  await handleCommand(store, apiKeyDecider, apiKeyStream(organizationId, keyId), {
    type: 'IssueApiKey',
    data: { key_id: keyId, principal_id: userId, principal_kind: 'user', name: `${role} key`, token_prefix: token.token_prefix, secret_hash: token.secret_hash },
    context: context('key'),
  });
  await caughtUp(app);
  return client(app.baseUrl, token.token);
}

/** Sums of a billing CSV's numeric columns, by column name (the CSV has no quoted fields for DNS-label names). */
export function csvColumnSums(csv: string): Record<string, number> {
  const [header, ...rows] = csv.split('\r\n').filter((line) => line.length > 0).map((line) => line.split(','));
  const sums: Record<string, number> = {};
  for (const column of ['raw_count', 'billing_units', 'estimated_cost_cents']) {
    const index = header.indexOf(column);
    sums[column] = rows.reduce((sum, row) => sum + Number(row[index]), 0);
  }
  return sums;
}
