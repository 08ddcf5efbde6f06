import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runtime-target settings of the control plane (part of ControlPlaneConfig). */
export interface RuntimeTargetConfig {
  /** AES-256-GCM key that seals runtime-target credentials at rest (32 bytes). */
  readonly credentialKey?: Buffer;
  /** How often every runtime target's readiness is probed and its usage pulled; 0 turns the prober off. */
  readonly probeIntervalMs?: number;
  /** Timeout of one call to a runtime target (verification, probes, provisioning, forwarding). */
  readonly runtimeTimeoutMs?: number;
  /**
   * Which addresses an organization's runtime target may have: `any`, or `public` (a hosted deployment:
   * no loopback, private, link-local or otherwise internal address). Platform targets may use any.
   */
  readonly targetAddressPolicy?: TargetAddressPolicy;
  /** Largest runtime-target answer read (forwarded replies, probes, usage pages); more is a 502. */
  readonly runtimeMaxResponseBytes?: number;
}

export const DEFAULT_RUNTIME_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export type TargetAddressPolicy = 'any' | 'public';

export const DEFAULT_PROBE_INTERVAL_MS = 60_000;
export const DEFAULT_RUNTIME_TIMEOUT_MS = 10_000;
const KEY_BYTES = 32;

export function loadRuntimeTargetConfig(env: NodeJS.ProcessEnv, dataDir: string): Required<RuntimeTargetConfig> {
  return {
    credentialKey: credentialKey(env.DWC_CREDENTIAL_KEY, dataDir),
    probeIntervalMs: nonNegative(env.DWC_PROBE_INTERVAL_MS, DEFAULT_PROBE_INTERVAL_MS, 'DWC_PROBE_INTERVAL_MS'),
    runtimeTimeoutMs: nonNegative(env.DWC_RUNTIME_TIMEOUT_MS, DEFAULT_RUNTIME_TIMEOUT_MS, 'DWC_RUNTIME_TIMEOUT_MS'),
    targetAddressPolicy: addressPolicy(env.DWC_TARGET_ADDRESS_POLICY),
    runtimeMaxResponseBytes: nonNegative(env.DWC_RUNTIME_MAX_RESPONSE_BYTES, DEFAULT_RUNTIME_MAX_RESPONSE_BYTES, 'DWC_RUNTIME_MAX_RESPONSE_BYTES') || DEFAULT_RUNTIME_MAX_RESPONSE_BYTES,
  };
}

const addressPolicy = (value: string | undefined): TargetAddressPolicy => {
  if (value === undefined || value === '' || value === 'any') return 'any';
  if (value === 'public') return 'public';
  throw new Error(`DWC_TARGET_ADDRESS_POLICY must be "any" or "public", got ${value}`);
};

const nonNegative = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number of milliseconds, got ${value}`);
  return parsed;
};

export const parseCredentialKey = (text: string, source: string): Buffer => {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${source} must be ${KEY_BYTES} bytes, base64-encoded`);
  return key;
};

/**
 * From DWC_CREDENTIAL_KEY (base64 of 32 bytes); else the one kept in the data dir; else a new one,
 * kept there (0600), like the operator token. Several processes sharing one database must share
 * the key: set DWC_CREDENTIAL_KEY for them.
 */
function credentialKey(fromEnv: string | undefined, dataDir: string): Buffer {
  if (fromEnv) return parseCredentialKey(fromEnv, 'DWC_CREDENTIAL_KEY');
  const file = join(dataDir, 'credential-key');
  if (existsSync(file)) return parseCredentialKey(readFileSync(file, 'utf8'), file);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}
