import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Audit settings of the control plane (part of ControlPlaneConfig). */
export interface AuditConfig {
  /** PKCS#8 PEM of the Ed25519 key that signs audit checkpoints; absent: a key for this process only (tests). */
  readonly auditSigningKeyPem?: string;
  /** How often every organization's audit chain head is signed (when it moved); 0 turns the timer off. */
  readonly auditCheckpointIntervalMs?: number;
}

export const DEFAULT_AUDIT_CHECKPOINT_INTERVAL_MS = 300_000;

export function loadAuditConfig(env: NodeJS.ProcessEnv, dataDir: string): Required<AuditConfig> {
  const interval = env.DWC_AUDIT_CHECKPOINT_INTERVAL_MS;
  const parsed = interval === undefined || interval === '' ? DEFAULT_AUDIT_CHECKPOINT_INTERVAL_MS : Number(interval);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`DWC_AUDIT_CHECKPOINT_INTERVAL_MS must be a whole number of milliseconds, got ${interval}`);
  return { auditSigningKeyPem: signingKey(env.DWC_AUDIT_SIGNING_KEY, dataDir), auditCheckpointIntervalMs: parsed };
}

const checkedEd25519 = (pem: string, source: string): string => {
  let key;
  try { key = createPrivateKey(pem); } catch { throw new Error(`${source} must be a PEM private key`); }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} must be an Ed25519 private key, got ${key.asymmetricKeyType}`);
  return pem;
};

/**
 * From DWC_AUDIT_SIGNING_KEY (PKCS#8 PEM); else the one kept in the data dir; else a new one, kept
 * there (0600). Replicas sharing a database share the key: set DWC_AUDIT_SIGNING_KEY for them. A
 * different key on the next start is a rotation, recorded as events (the old key is retired, its
 * checkpoints stay verifiable with its public key).
 */
function signingKey(fromEnv: string | undefined, dataDir: string): string {
  if (fromEnv) return checkedEd25519(fromEnv.replace(/\\n/g, '\n'), 'DWC_AUDIT_SIGNING_KEY');
  const file = join(dataDir, 'audit-signing-key.pem');
  if (existsSync(file)) return checkedEd25519(readFileSync(file, 'utf8'), file);
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, pem, { mode: 0o600 });
  return pem;
}
