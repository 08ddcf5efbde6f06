import { randomBytes, randomUUID } from 'node:crypto';
import { apiKeyStream } from '../../libs/domain/identity/api-keys/decider';
import { membershipStream } from '../../libs/domain/identity/membership/decider';
import { organizationStream, projectStream } from '../../libs/domain/tenancy/streams';
import { EventStore, EventToAppend } from '../../libs/event-store/src';

/**
 * Bulk data for benchmarks that need many organizations or many events: the events the commands
 * themselves append (OrganizationCreated, UserAdded, ApiKeyIssued, ProjectCreated, ProjectUpdated),
 * appended through the event-store port with big appends and several writers, so the control plane's
 * projectors build every read model from them exactly as from commands. (Going through the HTTP API
 * costs a request and a projection wait per command: hours for a million events.)
 */
export interface SeedShape {
  /** Projects per organization. */
  readonly projects: number;
  /** ProjectUpdated events per project, appended with its ProjectCreated. */
  readonly updatesPerProject: number;
  /** API keys per organization. */
  readonly keys: number;
}

export const eventsPerOrganization = (shape: SeedShape) => 2 + shape.keys + shape.projects * (1 + shape.updatesPerProject);

const ULID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomId = (prefix: string) => `${prefix}_${Array.from(randomBytes(26), (b) => ULID_ALPHABET[b % 32]).join('')}`;
const tokenPrefix = () => `dwc_${Array.from(randomBytes(12), (b) => BASE62[b % 62]).join('')}`;

interface Append { readonly stream: string; readonly events: readonly EventToAppend[] }

const AT = '2026-05-01T00:00:00.000Z';
const metadataOf = (organizationId: string, actorId: string, kind: 'operator' | 'user') => {
  const cause = randomUUID();
  return { organization_id: organizationId, actor: { id: actorId, kind }, cause, correlation_id: cause, occurred_at: AT, schema_version: 1 };
};

/** Every append that makes organization `n` of a run: the organization, its owner, its keys, its projects. */
export function organizationAppends(run: string, n: number, shape: SeedShape): { organizationId: string; appends: Append[] } {
  const organizationId = randomId('org');
  const userId = randomId('usr');
  const operator = metadataOf(organizationId, 'platform-operator', 'operator');
  const appends: Append[] = [
    { stream: organizationStream(organizationId), events: [{ id: randomUUID(), type: 'OrganizationCreated', data: { organization_id: organizationId, name: `${run}-${n}`, created_at: AT }, metadata: operator }] },
    { stream: membershipStream(organizationId), events: [{ id: randomUUID(), type: 'UserAdded', data: { organization_id: organizationId, user_id: userId, email: `owner-${n}@${run}.test`, organization_role: 'owner', added_at: AT }, metadata: operator }] },
  ];
  for (let k = 0; k < shape.keys; k++) {
    const keyId = randomId('key');
    appends.push({ stream: apiKeyStream(organizationId, keyId), events: [{
      id: randomUUID(), type: 'ApiKeyIssued', metadata: operator,
      data: { organization_id: organizationId, key_id: keyId, name: `key ${k}`, principal_id: userId, principal_kind: 'user', token_prefix: tokenPrefix(),
        secret_hash: randomBytes(32).toString('hex'), issued_at: AT, expires_at: null },
    }] });
  }
  const user = metadataOf(organizationId, userId, 'user');
  for (let p = 0; p < shape.projects; p++) {
    const name = `p${p}`;
    const events: EventToAppend[] = [{ id: randomUUID(), type: 'ProjectCreated', metadata: user,
      data: { organization_id: organizationId, project_id: randomId('prj'), name, description: '', created_at: AT } }];
    for (let u = 0; u < shape.updatesPerProject; u++) {
      events.push({ id: randomUUID(), type: 'ProjectUpdated', metadata: user, data: { organization_id: organizationId, name, description: `revision ${u + 1}`, updated_at: AT } });
    }
    appends.push({ stream: projectStream(organizationId, name), events });
  }
  return { organizationId, appends };
}

/**
 * Appends organizations `from` … `to - 1` of `run` through the port with `writers` concurrent writers,
 * each append a new stream (`no_stream`). Returns the number of events appended and the organizations' ids.
 */
export async function seedOrganizations(store: EventStore, run: string, from: number, to: number, shape: SeedShape, writers = 8)
  : Promise<{ events: number; organizationIds: string[] }> {
  let next = from;
  let events = 0;
  const organizationIds: string[] = [];
  await Promise.all(Array.from({ length: writers }, async () => {
    for (let n = next++; n < to; n = next++) {
      const organization = organizationAppends(run, n, shape);
      organizationIds.push(organization.organizationId);
      for (const append of organization.appends) {
        await store.append(append.stream, append.events, 'no_stream');
        events += append.events.length;
      }
    }
  }));
  return { events, organizationIds };
}
