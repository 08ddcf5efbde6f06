import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_CREDENTIAL_KEY, TEST_OPERATOR_TOKEN } from './test-app';

const MAIN = join(__dirname, '../../dist/apps/control-plane/src/main.js');
const FAILOVER_MAIN = join(__dirname, '../../dist/apps/failover/src/main.js');

/** The environment every child shares: this database, the test tokens, fast leases and polls. */
const childEnv = (databaseUrl: string, env: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env, DATABASE_URL: databaseUrl, DWC_OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
  DWC_CREDENTIAL_KEY: TEST_CREDENTIAL_KEY.toString('base64'), DWC_PROBE_INTERVAL_MS: '0', DWC_LEASE_TTL_MS: '1000',
  DWC_PROCESS_POLL_MS: '50', LOG_LEVEL: 'error', ...env,
});

export interface ControlPlaneChild {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Resolves with the signal that ended the process (`SIGKILL` for a crash point). */
  readonly exited: Promise<NodeJS.Signals | null>;
  kill(): Promise<void>;
  /** What it wrote on stdout so far (the start-up line names its storage and event store). */
  stdout(): string;
}

export const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

/**
 * The built control plane (dist/) as its own process on a PostgreSQL database, so a test can kill it
 * with SIGKILL (or let a crash point do it) and start it again on the same data. With `{ dataDir }`
 * instead of a URL it runs on PGlite in that directory (one process at a time).
 */
export async function startControlPlaneChild(database: string | { readonly dataDir: string }, env: Record<string, string> = {}): Promise<ControlPlaneChild> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm test builds it first (tsc -p tsconfig.json)`);
  const port = await freePort();
  // An empty DATABASE_URL selects PGlite in DWC_DATA_DIR.
  const [databaseUrl, dataDir] = typeof database === 'string' ? [database, {}] : ['', { DWC_DATA_DIR: database.dataDir }];
  const child = spawn(process.execPath, [MAIN], {
    env: childEnv(databaseUrl, { ...dataDir, PORT: String(port), ...env }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`control plane did not become ready: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl, child, exited, stdout: () => stdout,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface FailoverRunnerChild {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The built failover runner (dist/apps/failover: the process managers without the HTTP API) as its own
 * process on a PostgreSQL database; resolves once it says it started.
 */
export async function startFailoverRunnerChild(databaseUrl: string, env: Record<string, string> = {}): Promise<FailoverRunnerChild> {
  if (!existsSync(FAILOVER_MAIN)) throw new Error(`${FAILOVER_MAIN} is missing: npm test builds it first (tsc -p tsconfig.json)`);
  const child = spawn(process.execPath, [FAILOVER_MAIN], { env: childEnv(databaseUrl, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`failover runner did not start: ${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('failover runner started')) { clearTimeout(timer); resolve(); }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`failover runner exited (${code ?? signal}): ${output}`)); });
  });
  return {
    child, exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
