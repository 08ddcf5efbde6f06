import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A compose client on this machine: the plugin (`docker compose`) or the standalone `docker-compose` (.ci/run installs Debian's). */
function composeClient(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  return null;
}

/** The container image and docker-compose are hosted deployments: their defaults are the safe ones. */
describe('deployment defaults', () => {
  const root = join(__dirname, '..', '..');
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

  it('refuses internal addresses for organization targets in the image and in docker-compose', () => {
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/DWC_TARGET_ADDRESS_POLICY=public/);
    expect(compose).toMatch(/DWC_TARGET_ADDRESS_POLICY: \$\{DWC_TARGET_ADDRESS_POLICY:-public\}/);
  });

  it('restarts every docker-compose service on failure', () => {
    const services = compose.split('\nservices:\n')[1].split('\nvolumes:')[0].split(/\n(?= {2}[a-z-]+:\n)/);
    // EventStoreDB, PostgreSQL, the control plane, the projector, the failover runner and the simulator;
    // `unless-stopped` restarts on failure too.
    expect(services.length).toBe(6);
    for (const service of services) expect(service).toMatch(/\n {4}restart: (on-failure|unless-stopped)\n/);
  });

  it('is a compose file a compose client accepts, and that refuses to start without its secrets', () => {
    const client = composeClient();
    if (!client) {
      console.log('no docker compose client on this machine (apt-get install docker-compose): `docker compose config` not run');
      return;
    }
    const config = (env: Record<string, string>) => spawnSync(client[0], [...client.slice(1), '-f', join(root, 'docker-compose.yml'), 'config', '--services'],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    const secrets = { DWC_OPERATOR_TOKEN: 'o'.repeat(40), DWC_CREDENTIAL_KEY: Buffer.alloc(32, 7).toString('base64') };
    const accepted = config(secrets);
    expect(accepted.stderr).toBe('');
    expect(accepted.stdout.trim().split('\n').sort()).toEqual(['control-plane', 'eventstoredb', 'failover', 'postgres', 'projector', 'runtime-sim']);
    expect(config({}).status).not.toBe(0);
  });
});
