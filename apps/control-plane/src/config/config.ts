import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Clock } from '../http/clock';
import { AuditConfig, loadAuditConfig } from './audit-config';
import { loadProcessConfig, ProcessConfig } from './process-config';
import { loadRuntimeTargetConfig, RuntimeTargetConfig } from './runtime-target-config';

export interface ControlPlaneConfig extends RuntimeTargetConfig, ProcessConfig, AuditConfig {
  readonly host: string;
  readonly port: number;
  /** postgres://… for a server; absent for embedded PGlite under dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** esdb://… to keep the events in EventStoreDB (read models stay on databaseUrl/PGlite). */
  readonly eventStoreUrl?: string;
  readonly operatorToken: string;
  /** True when the operator token was generated on this start and must be shown once. */
  readonly operatorTokenGenerated: boolean;
  readonly logLevel: string;
  /** Run projectors inside this process (the embedded default); false when apps/projector runs them. */
  readonly embeddedProjector: boolean;
  /** How long a command waits for its projections before answering (read-your-writes). */
  readonly consistencyWaitMs: number;
  readonly bodyLimitBytes: number;
  /**
   * Which proxies to believe about the client address (X-Forwarded-For), as fastify's trustProxy
   * takes it: false (the default: the socket address), true (any), a hop count, or addresses/CIDRs.
   * From DWC_TRUST_PROXY. The failed-authentication throttle and the audit's client_ip use it.
   */
  readonly trustProxy?: boolean | number | string;
  /** With an external projector: how long its checkpoints may stand still behind the log before /health/ready says so. */
  readonly projectorStallMs?: number;
  /** The control plane's "now" (tests move it by hand); the system clock when absent. */
  readonly clock?: Clock;
}

/** DWC_TRUST_PROXY: unset/`false` → false; `true` → true; `2` → two hops; else a list of addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  if (!/^[0-9a-fA-F.:/,\s]+$/.test(text)) throw new Error(`DWC_TRUST_PROXY must be true, false, a hop count or addresses/CIDRs, got ${text}`);
  return text;
}

const MIN_OPERATOR_TOKEN_LENGTH = 32;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  const dataDir = resolve(env.DWC_DATA_DIR ?? '.data');
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port, got ${env.PORT}`);
  const { token, generated } = operatorToken(env.DWC_OPERATOR_TOKEN, dataDir);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    operatorToken: token,
    operatorTokenGenerated: generated,
    logLevel: env.LOG_LEVEL ?? 'info',
    embeddedProjector: env.DWC_EMBEDDED_PROJECTOR !== 'false',
    consistencyWaitMs: Number(env.DWC_CONSISTENCY_WAIT_MS ?? 5000),
    bodyLimitBytes: 1024 * 1024,
    trustProxy: parseTrustProxy(env.DWC_TRUST_PROXY),
    projectorStallMs: Number(env.DWC_PROJECTOR_STALL_MS ?? 30_000),
    ...loadRuntimeTargetConfig(env, dataDir),
    ...loadProcessConfig(env),
    ...loadAuditConfig(env, dataDir),
  };
}

/** From the environment; else the one kept in the data dir; else a new one, kept there (0600) and shown once. */
function operatorToken(fromEnv: string | undefined, dataDir: string): { token: string; generated: boolean } {
  if (fromEnv) {
    if (fromEnv.length < MIN_OPERATOR_TOKEN_LENGTH) throw new Error(`DWC_OPERATOR_TOKEN must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters`);
    return { token: fromEnv, generated: false };
  }
  const file = join(dataDir, 'operator-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dataDir, { recursive: true });
  const token = `dwo_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
