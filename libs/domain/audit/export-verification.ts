import { createPublicKey, KeyObject, verify } from 'node:crypto';
import { AuditEntry, chainHash, GENESIS_HASH } from './chain';
import { AuditCheckpoint, checkpointPayload } from './checkpoints/events';
import { auditKeyId } from './signing-keys/key-id';

/**
 * The audit export format (`GET /api/v1/audit-log/export`), one JSON object a line:
 * - first a header `{kind: "header", format: "dwc-audit-export/v1", organization_id, since, until, exported_at}`;
 * - then the checkpoints `{kind: "checkpoint", …AuditCheckpoint}` in position order: the last one
 *   before the first entry (the anchor; absent when the chain starts at its genesis) and every one up to
 *   the last entry, which is always covered by one;
 * - then the entries `{kind: "entry", id, position, occurred_at, actor: {id, kind, key_id}, action,
 *   resource, namespace, outcome, request_id, hash, previous_hash, organization_id}` in chain order: a
 *   contiguous run of the chain from just after the anchor to the last checkpoint's head.
 */
export const AUDIT_EXPORT_FORMAT = 'dwc-audit-export/v1';

export interface ExportHeader {
  readonly kind: 'header';
  readonly format: typeof AUDIT_EXPORT_FORMAT;
  readonly organization_id: string;
  readonly since: string | null;
  readonly until: string | null;
  readonly exported_at: string;
}

export interface ExportedEntry {
  readonly kind: 'entry';
  readonly id: string;
  readonly position: string;
  readonly occurred_at: string;
  readonly actor: { readonly id: string; readonly kind: string; readonly key_id: string | null };
  readonly action: string;
  readonly resource: string;
  readonly namespace: string | null;
  readonly outcome: string;
  readonly request_id: string;
  readonly hash: string;
  readonly previous_hash: string;
  readonly organization_id: string;
}

export type ExportedCheckpoint = { readonly kind: 'checkpoint' } & AuditCheckpoint;

export interface ExportVerification {
  readonly ok: boolean;
  readonly organization_id: string | null;
  readonly entries: number;
  readonly checkpoints: number;
  /** Everything that does not hold, in the order found. */
  readonly problems: readonly string[];
  readonly first_bad_position?: string;
}

const comparePosition = (a: string, b: string): number => {
  const [ac, ap] = a.split('.').map(BigInt);
  const [bc, bp] = b.split('.').map(BigInt);
  return ac !== bc ? (ac < bc ? -1 : 1) : ap === bp ? 0 : ap < bp ? -1 : 1;
};
const POSITION = /^(-1|0|[1-9][0-9]{0,18})\.(-1|0|[1-9][0-9]{0,18})$/;

/** The facts the chain hash covers, back from an exported entry. */
const factsOf = (e: ExportedEntry): Omit<AuditEntry, 'hash' | 'previous_hash'> => {
  const [commit, prepare] = e.position.split('.');
  return {
    organization_id: e.organization_id, commit_position: commit, prepare_position: prepare, event_id: e.id, occurred_at: e.occurred_at,
    actor_id: e.actor.id, actor_kind: e.actor.kind, key_id: e.actor.key_id, action: e.action, resource: e.resource,
    namespace: e.namespace, outcome: e.outcome as AuditEntry['outcome'], request_id: e.request_id,
  };
};

/** Public keys from PEM text holding one or more `PUBLIC KEY` blocks, by key id. */
export function publicKeysFromPem(pem: string): Map<string, KeyObject> {
  const blocks = pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  const keys = new Map<string, KeyObject>();
  for (const block of blocks) {
    const key = createPublicKey(block);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('only Ed25519 public keys verify audit checkpoints');
    keys.set(auditKeyId(key), key);
  }
  return keys;
}

/**
 * Checks an export with no server and no database: every entry's hash and link (chain), every
 * checkpoint's Ed25519 signature under the given public keys (signatures), and that the entries run
 * without a hole from the anchor checkpoint (or the genesis) to a checkpoint that covers the last one,
 * with the entry counts the checkpoints signed (no gap). `ok` only when all hold.
 */
export function verifyAuditExport(lines: Iterable<string>, publicKeys: ReadonlyMap<string, KeyObject>): ExportVerification {
  const problems: string[] = [];
  let header: ExportHeader | null = null;
  const checkpoints: ExportedCheckpoint[] = [];
  const entries: ExportedEntry[] = [];
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let record: { kind?: unknown };
    try { record = JSON.parse(line); } catch { problems.push(`line ${lineNumber} is not JSON`); continue; }
    if (lineNumber === 1) {
      if (record.kind !== 'header' || (record as ExportHeader).format !== AUDIT_EXPORT_FORMAT) problems.push(`line 1 is not a ${AUDIT_EXPORT_FORMAT} header`);
      else header = record as ExportHeader;
    } else if (record.kind === 'checkpoint') checkpoints.push(record as ExportedCheckpoint);
    else if (record.kind === 'entry') entries.push(record as ExportedEntry);
    else problems.push(`line ${lineNumber} is neither a checkpoint nor an entry`);
  }
  const result = (firstBad?: string): ExportVerification => ({
    ok: problems.length === 0, organization_id: header?.organization_id ?? null, entries: entries.length, checkpoints: checkpoints.length, problems,
    ...(firstBad ? { first_bad_position: firstBad } : {}),
  });
  if (!header) return result();
  const organization = header.organization_id;

  // Signatures.
  for (const c of checkpoints) {
    if (c.organization_id !== organization) { problems.push(`checkpoint ${c.position} belongs to another organization`); continue; }
    if (typeof c.position !== 'string' || !POSITION.test(c.position)) { problems.push('a checkpoint has no valid position'); continue; }
    const key = publicKeys.get(c.key_id);
    if (!key) { problems.push(`checkpoint ${c.position} is signed by key ${c.key_id}, which is not among the given public keys`); continue; }
    let valid = false;
    try { valid = c.algorithm === 'Ed25519' && verify(null, checkpointPayload(c), key, Buffer.from(c.signature, 'base64')); } catch { valid = false; }
    if (!valid) problems.push(`checkpoint ${c.position}: the signature does not verify with key ${c.key_id}`);
  }
  for (let i = 1; i < checkpoints.length; i++) {
    if (comparePosition(checkpoints[i - 1].position, checkpoints[i].position) >= 0) problems.push(`checkpoint ${checkpoints[i].position} is out of order`);
  }
  if (problems.length > 0) return result();
  if (entries.length === 0) {
    if (checkpoints.length > 0) problems.push('the export has checkpoints but no entries');
    return result();
  }

  // Chain and no gap: from the anchor (the last checkpoint before the first entry, or the genesis) to the end.
  const first = entries[0];
  if (typeof first.position !== 'string' || !POSITION.test(first.position)) { problems.push('the first entry has no valid position'); return result(); }
  const anchor = [...checkpoints].reverse().find((c) => comparePosition(c.position, first.position) < 0);
  let previous = anchor ? anchor.head_hash : GENESIS_HASH;
  let count = anchor ? anchor.entries : 0;
  const byPosition = new Map(checkpoints.filter((c) => c !== anchor && comparePosition(c.position, first.position) >= 0).map((c) => [c.position, c]));
  let lastPosition: string | null = null;
  for (const entry of entries) {
    const at = typeof entry.position === 'string' && POSITION.test(entry.position) ? entry.position : '?';
    if (at === '?') { problems.push('an entry has no valid position'); return result(lastPosition ?? undefined); }
    if (entry.organization_id !== organization) { problems.push(`entry ${at} belongs to another organization`); return result(at); }
    if (lastPosition !== null && comparePosition(lastPosition, at) >= 0) { problems.push(`entry ${at} is out of order`); return result(at); }
    if (entry.previous_hash !== previous) {
      problems.push(`entry ${at} does not link to the entry before it (${anchor && count === anchor.entries ? 'the anchor checkpoint' : 'an entry is missing, added or moved'})`);
      return result(at);
    }
    if (chainHash(previous, factsOf(entry)) !== entry.hash) { problems.push(`entry ${at} was altered: its hash does not match its facts`); return result(at); }
    previous = entry.hash;
    count++;
    lastPosition = at;
    const checkpoint = byPosition.get(at);
    if (checkpoint) {
      byPosition.delete(at);
      if (checkpoint.head_hash !== entry.hash) { problems.push(`checkpoint ${at} signed another head hash than the entry's`); return result(at); }
      if (checkpoint.entries !== count) { problems.push(`checkpoint ${at} signed ${checkpoint.entries} entries, the export holds ${count} up to it`); return result(at); }
    }
  }
  for (const position of byPosition.keys()) problems.push(`checkpoint ${position} covers no entry of the export (entries missing)`);
  const covered = checkpoints.some((c) => c.position === lastPosition);
  if (!covered) problems.push(`the entries after the last checkpoint (up to ${lastPosition}) are not covered by a signature`);
  return result(problems.length > 0 ? lastPosition ?? undefined : undefined);
}
