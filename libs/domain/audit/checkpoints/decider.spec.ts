import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { specFor, testContext } from '../../shared/given-when-then';
import { auditKeyId } from '../signing-keys/key-id';
import { auditCheckpointDecider, RecordAuditCheckpoint } from './decider';
import { auditCheckpointStream, checkpointPayload } from './events';

const given = specFor(auditCheckpointDecider);
const NOW = '2026-05-01T00:00:00.000Z';
const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = createPublicKey(privateKey);
const keyId = auditKeyId(publicKey);
const head = { organization_id: 'org_test', position: '812.44', entries: 12, head_hash: 'a'.repeat(64), signed_at: NOW, key_id: keyId };
const record = (overrides: Partial<RecordAuditCheckpoint['data']> = {}): RecordAuditCheckpoint => ({
  type: 'RecordAuditCheckpoint',
  data: {
    position: head.position, entries: head.entries, head_hash: head.head_hash, key_id: keyId, algorithm: 'Ed25519',
    signature: sign(null, checkpointPayload(head), privateKey).toString('base64'),
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), ...overrides,
  },
  context: testContext({ now: NOW }),
});

describe('audit checkpoints', () => {
  it('are one stream per organization, head and key', () => expect(auditCheckpointStream('org_1', '5.6', keyId)).toBe(`audit_checkpoint-org_1.5.6.${keyId}`));
  it('record a checkpoint whose signature holds', () => {
    const { public_key_pem: _, ...data } = record().data;
    given([]).when(record()).then([{ type: 'AuditCheckpointSigned', data: { ...data, organization_id: 'org_test', signed_at: NOW } }]);
  });
  it('record a head once', () => {
    const { public_key_pem: _, ...data } = record().data;
    given([{ type: 'AuditCheckpointSigned', data: { ...data, organization_id: 'org_test', signed_at: NOW } }]).when(record()).then([]);
  });
  it('refuse a signature that does not hold (another head, another key)', () => {
    given([]).when(record({ entries: 13 })).thenFails('invalid', /signature/);
    const other = createPublicKey(generateKeyPairSync('ed25519').privateKey).export({ type: 'spki', format: 'pem' }).toString();
    given([]).when(record({ public_key_pem: other })).thenFails('invalid', /signature/);
  });
  it('refuse malformed heads', () => {
    given([]).when(record({ position: 'x' })).thenFails('invalid', /position/);
    given([]).when(record({ head_hash: 'nope' })).thenFails('invalid', /head_hash/);
    given([]).when(record({ entries: 0 })).thenFails('invalid', /entries/);
  });
});
