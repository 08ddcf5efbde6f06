import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRuntimeTargetConfig, RuntimeTargetConfig } from './runtime-target-config';

export interface ControlPlaneConfig extends RuntimeTargetConfig {
  readonly host: string;
  readonly port: number;
  /** postgres://… for a server; absent for embedded PGlite under dataDir. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly operatorToken: string;
  /** True when the operator token was generated on this start and must be shown once. */
  readonly operatorTokenGenerated: boolean;
  readonly logLevel: string;
  /** Run projectors inside this process (the embedded default); false when apps/projector runs them. */
  readonly embeddedProjector: boolean;
  /** How long a command waits for its projections before answering (read-your-writes). */
  readonly consistencyWaitMs: number;
  readonly bodyLimitBytes: number;
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
    operatorToken: token,
    operatorTokenGenerated: generated,
    logLevel: env.LOG_LEVEL ?? 'info',
    embeddedProjector: env.DWC_EMBEDDED_PROJECTOR !== 'false',
    consistencyWaitMs: Number(env.DWC_CONSISTENCY_WAIT_MS ?? 5000),
    bodyLimitBytes: 1024 * 1024,
    ...loadRuntimeTargetConfig(env, dataDir),
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
