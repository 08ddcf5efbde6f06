import { createHash, KeyObject } from 'node:crypto';

/** A key's id: the first 16 hex digits of the sha256 of its public key (SPKI DER), so anyone can recompute it. */
export const auditKeyId = (publicKey: KeyObject): string =>
  createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
