import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ControlPlaneProcess {
  readonly baseUrl: string;
  readonly operatorToken: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (other benchmarks may run on this machine at the same time). */
export const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

/** Resident set size of a process on this machine, MB (Linux /proc). */
export const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
};

/**
 * Starts the built control plane (dist/) as its own process, so load comes from another process.
 * `databaseUrl` null: embedded PGlite (pass DWC_DATA_DIR in `env`).
 */
export async function startControlPlaneProcess(databaseUrl: string | null, port: number, env: Record<string, string> = {}): Promise<ControlPlaneProcess> {
  const operatorToken = 'bench-operator-token-0123456789abcdefghijklmnopq';
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '../../apps/control-plane/src/main.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl ?? '', PORT: String(port), DWC_OPERATOR_TOKEN: operatorToken, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('control plane did not become ready');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl, operatorToken, pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
