import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL server of its own for a fault test (initdb into a temp dir, another port), so a test
 * can stop and restart it without touching the server other tests share. Trust auth on loopback.
 */
export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

const binDir = (): string | null => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().pop();
  return version && existsSync(join(root, version, 'bin', 'initdb')) ? join(root, version, 'bin') : null;
};

export const privatePostgresAvailable = (): boolean => binDir() !== null;

/**
 * A suite on a PostgreSQL server of its own tests the same thing whatever DATABASE_URL says, so a CI that runs
 * `npm test` once per storage runs it once: `.ci/run` sets DWC_OWN_SERVER_SUITES=ran-in-embedded-pass on its
 * PostgreSQL pass. Without the server binaries (initdb, pg_ctl) the suite is skipped, saying so.
 */
export const describeWithOwnServer = (name: string, body: () => void, ready = true) => {
  if (process.env.DWC_OWN_SERVER_SUITES === 'ran-in-embedded-pass') {
    return describe.skip(`${name} [skipped: starts its own PostgreSQL server, and .ci/run ran it in the embedded pass]`, body);
  }
  if (!privatePostgresAvailable() || !ready) return describe.skip(`${name} [skipped: no PostgreSQL server binaries or no built dist/ here]`, body);
  return describe(name, body);
};

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
  server.on('error', reject);
});

/** initdb needs a non-root owner: as root, the cluster is created and run as the `postgres` user. */
const asOwner = (command: string, args: string[]) => {
  const root = process.getuid?.() === 0;
  const result = root ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'dwc-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  const port = await freePort();
  asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const ctl = (args: string[]) => asOwner(join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args]);
  const start = () => ctl(['-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: (mode = 'fast') => ctl(['-m', mode, 'stop']),
    start,
    destroy: () => {
      try { ctl(['-m', 'immediate', 'stop']); } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
