import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ControlPlaneProcess {
  readonly baseUrl: string;
  readonly operatorToken: string;
  stop(): Promise<void>;
}

/** Starts the built control plane (dist/) as its own process, so load comes from another process. */
export async function startControlPlaneProcess(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<ControlPlaneProcess> {
  const operatorToken = 'bench-operator-token-0123456789abcdefghijklmnopq';
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '../../apps/control-plane/src/main.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), DWC_OPERATOR_TOKEN: operatorToken, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('control plane did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl, operatorToken,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
