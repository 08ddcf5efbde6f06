import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { specFor, testContext } from '../../shared/given-when-then';
import { auditSigningKeysDecider, UseAuditSigningKey } from './decider';
import { AuditSigningKeyEvent } from './events';
import { auditKeyId } from './key-id';

const given = specFor(auditSigningKeysDecider);
const NOW = '2026-05-01T00:00:00.000Z';
const newKey = () => {
  const publicKey = createPublicKey(generateKeyPairSync('ed25519').privateKey);
  return { key_id: auditKeyId(publicKey), public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const a = newKey();
const b = newKey();
const use = (key: { key_id: string; public_key_pem: string }): UseAuditSigningKey => ({ type: 'UseAuditSigningKey', data: key, context: testContext({ organization_id: null, now: NOW }) });
const registered = (key: typeof a): AuditSigningKeyEvent => ({ type: 'AuditSigningKeyRegistered', data: { ...key, algorithm: 'Ed25519', registered_at: NOW } });

describe('audit signing keys', () => {
  it('registers the first key', () => given([]).when(use(a)).then([registered(a)]));
  it('changes nothing when the active key is used again', () => given([registered(a)]).when(use(a)).then([]));
  it('rotates: a new key retires the active one', () => given([registered(a)]).when(use(b)).then([
    { type: 'AuditSigningKeyRetired', data: { key_id: a.key_id, replaced_by: b.key_id, retired_at: NOW } }, registered(b),
  ]));
  it('never reactivates a retired key', () => given([registered(a), { type: 'AuditSigningKeyRetired', data: { key_id: a.key_id, replaced_by: b.key_id, retired_at: NOW } }, registered(b)])
    .when(use(a)).thenFails('invalid', /retired/));
  it('refuses a malformed key id or key', () => {
    given([]).when(use({ ...a, key_id: 'xyz' })).thenFails('invalid', /key_id/);
    given([]).when(use({ ...a, public_key_pem: 'secret' })).thenFails('invalid', /public_key_pem/);
  });
});
