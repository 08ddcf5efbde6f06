import { createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { chainHash, GENESIS_HASH } from './chain';
import { AuditCheckpoint, checkpointPayload } from './checkpoints/events';
import { ExportedEntry, publicKeysFromPem, verifyAuditExport } from './export-verification';
import { auditKeyId } from './signing-keys/key-id';

const ORG = 'org_a';
const key = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
const keys = publicKeysFromPem(pem(key.publicKey));

function entry(i: number, previous: string): ExportedEntry {
  const facts = {
    organization_id: ORG, commit_position: String(1000 + i), prepare_position: String(i), event_id: `00000000-0000-8000-8000-${String(i).padStart(12, '0')}`,
    occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), actor_id: 'usr_1', actor_kind: 'user', key_id: 'key_1',
    action: i % 2 ? 'ProjectCreated' : 'NamespaceCreated', resource: `project-${ORG}.p${i}`, namespace: null, outcome: 'succeeded' as const, request_id: `req-${i}`,
  };
  return {
    kind: 'entry', id: facts.event_id, position: `${facts.commit_position}.${facts.prepare_position}`, occurred_at: facts.occurred_at,
    actor: { id: facts.actor_id, kind: facts.actor_kind, key_id: facts.key_id }, action: facts.action, resource: facts.resource, namespace: null,
    outcome: facts.outcome, request_id: facts.request_id, hash: chainHash(previous, facts), previous_hash: previous, organization_id: ORG,
  };
}

function checkpoint(e: ExportedEntry, entries: number, signer = key.privateKey, keyId = auditKeyId(createPublicKey(key.privateKey))): AuditCheckpoint & { kind: 'checkpoint' } {
  const unsigned = { organization_id: ORG, position: e.position, entries, head_hash: e.hash, signed_at: '2026-01-02T00:00:00.000Z', key_id: keyId };
  return { kind: 'checkpoint', ...unsigned, algorithm: 'Ed25519', signature: sign(null, checkpointPayload(unsigned), signer).toString('base64') };
}

/** A chain of 10 entries, checkpoints after the 3rd, 7th and 10th; the export holds entries 4..10 anchored on the 3rd. */
function exportLines() {
  const chain: ExportedEntry[] = [];
  let previous = GENESIS_HASH;
  for (let i = 1; i <= 10; i++) { const e = entry(i, previous); chain.push(e); previous = e.hash; }
  const header = { kind: 'header', format: 'dwc-audit-export/v1', organization_id: ORG, since: null, until: null, exported_at: '2026-01-03T00:00:00.000Z' };
  return {
    header, chain,
    checkpoints: [checkpoint(chain[2], 3), checkpoint(chain[6], 7), checkpoint(chain[9], 10)],
    entries: chain.slice(3),
  };
}
const lines = (x: { header: object; checkpoints: object[]; entries: object[] }) => [x.header, ...x.checkpoints, ...x.entries].map((o) => JSON.stringify(o));

describe('offline verification of an audit export', () => {
  it('passes an untouched export', () => {
    const result = verifyAuditExport(lines(exportLines()), keys);
    expect(result).toMatchObject({ ok: true, entries: 7, checkpoints: 3, problems: [] });
  });

  it('passes an export that starts at the genesis', () => {
    const x = exportLines();
    expect(verifyAuditExport(lines({ ...x, checkpoints: x.checkpoints.slice(1), entries: x.chain }), keys).ok).toBe(true);
  });

  it('fails when an entry is altered', () => {
    const x = exportLines();
    const entries = x.entries.map((e, i) => (i === 2 ? { ...e, action: 'Nothing' } : e));
    expect(verifyAuditExport(lines({ ...x, entries }), keys)).toMatchObject({ ok: false, first_bad_position: x.entries[2].position });
  });

  it('fails when an entry is altered and every later hash recomputed (the checkpoint no longer matches)', () => {
    const x = exportLines();
    let previous = x.checkpoints[0].head_hash;
    const entries = x.entries.map((e, i) => {
      const { hash: _, ...rest } = e;
      const changed = i === 1 ? { ...rest, request_id: 'forged' } : rest;
      const [commit, prepare] = changed.position.split('.');
      const hash = chainHash(previous, {
        organization_id: ORG, commit_position: commit, prepare_position: prepare, event_id: changed.id, occurred_at: changed.occurred_at,
        actor_id: changed.actor.id, actor_kind: changed.actor.kind, key_id: changed.actor.key_id, action: changed.action, resource: changed.resource,
        namespace: changed.namespace, outcome: 'succeeded', request_id: changed.request_id,
      });
      const out = { ...changed, previous_hash: previous, hash };
      previous = hash;
      return out;
    });
    const result = verifyAuditExport(lines({ ...x, entries }), keys);
    expect(result.ok).toBe(false);
    expect(result.problems.join()).toMatch(/signed another head hash/);
  });

  it('fails when an entry is removed from the middle, the start or the end', () => {
    const x = exportLines();
    for (const index of [3, 0, x.entries.length - 1]) {
      const entries = x.entries.filter((_, i) => i !== index);
      expect(verifyAuditExport(lines({ ...x, entries }), keys).ok).toBe(false);
    }
  });

  it('fails when an entry is replaced by a forged one whose own hash is consistent', () => {
    const x = exportLines();
    const original = x.entries[2];
    const forged = { ...entry(6, 'e'.repeat(64)), position: original.position, id: original.id };
    const [commit, prepare] = forged.position.split('.');
    forged.hash = chainHash(forged.previous_hash, {
      organization_id: ORG, commit_position: commit, prepare_position: prepare, event_id: forged.id, occurred_at: forged.occurred_at,
      actor_id: forged.actor.id, actor_kind: forged.actor.kind, key_id: forged.actor.key_id, action: forged.action, resource: forged.resource,
      namespace: null, outcome: 'succeeded', request_id: forged.request_id,
    });
    const entries = x.entries.map((e, i) => (i === 2 ? forged : e));
    expect(verifyAuditExport(lines({ ...x, entries }), keys)).toMatchObject({ ok: false, first_bad_position: original.position });
  });

  it('fails when entries are reordered', () => {
    const x = exportLines();
    const entries = [...x.entries];
    [entries[1], entries[2]] = [entries[2], entries[1]];
    expect(verifyAuditExport(lines({ ...x, entries }), keys).ok).toBe(false);
  });

  it('fails when the checkpoints are re-signed with another key, under its own id or the genuine one', () => {
    const x = exportLines();
    const intruderId = auditKeyId(createPublicKey(intruder.privateKey));
    const genuineId = x.checkpoints[0].key_id;
    for (const keyId of [intruderId, genuineId]) {
      const checkpoints = x.checkpoints.map((c) => checkpoint(x.chain.find((e) => e.position === c.position)!, c.entries, intruder.privateKey, keyId));
      const result = verifyAuditExport(lines({ ...x, checkpoints }), keys);
      expect(result.ok).toBe(false);
      expect(result.problems.join()).toMatch(keyId === genuineId ? /signature does not verify/ : /not among the given public keys/);
    }
  });

  it('fails when a checkpoint is forged to cover fewer entries, or the last entries are not covered', () => {
    const x = exportLines();
    const forged = { ...x.checkpoints[2], entries: 9 };
    expect(verifyAuditExport(lines({ ...x, checkpoints: [x.checkpoints[0], x.checkpoints[1], forged] }), keys).ok).toBe(false);
    const uncovered = verifyAuditExport(lines({ ...x, checkpoints: x.checkpoints.slice(0, 2) }), keys);
    expect(uncovered.ok).toBe(false);
    expect(uncovered.problems.join()).toMatch(/not covered by a signature/);
  });

  it('fails on an entry of another organization or a line that is not JSON', () => {
    const x = exportLines();
    expect(verifyAuditExport(lines({ ...x, entries: x.entries.map((e, i) => (i === 1 ? { ...e, organization_id: 'org_b' } : e)) }), keys).ok).toBe(false);
    expect(verifyAuditExport([...lines(x), '{nope'], keys).ok).toBe(false);
  });
});
