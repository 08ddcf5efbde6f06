import { startRuntimeSimulator } from './simulator';

/** Fixed demo tokens keep local demos copy-pasteable; they are printed so nobody mistakes them for secrets. */
const DEMO_TOKENS = {
  DW_WORKER_TOKEN: 'dw-sim-demo-worker-token',
  DW_OPERATOR_TOKEN: 'dw-sim-demo-operator-token',
  DW_ADMIN_TOKEN: 'dw-sim-demo-admin-token',
} as const;

const flag = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const portFlag = (name: string, fallback: number): number => {
  const raw = flag(name);
  const port = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--${name} must be a port number, got ${raw}`);
  return port;
};

const tokenFromEnv = (name: keyof typeof DEMO_TOKENS, defaulted: string[]): string => {
  const value = process.env[name];
  if (value) return value;
  defaulted.push(`${name}=${DEMO_TOKENS[name]}`);
  return DEMO_TOKENS[name];
};

async function main(): Promise<void> {
  const port = portFlag('port', 7070);
  const defaulted: string[] = [];
  const sim = await startRuntimeSimulator({
    host: flag('host') ?? '127.0.0.1',
    port,
    adminPort: portFlag('admin-port', port === 0 ? 0 : port + 1),
    serverId: flag('server-id') ?? process.env.DW_SERVER_ID,
    workerToken: tokenFromEnv('DW_WORKER_TOKEN', defaulted),
    operatorToken: tokenFromEnv('DW_OPERATOR_TOKEN', defaulted),
    adminToken: tokenFromEnv('DW_ADMIN_TOKEN', defaulted),
  });
  console.log(`runtime simulator ${sim.serverId} listening on ${sim.baseUrl} (admin API ${sim.adminUrl}/__sim)`);
  if (defaulted.length > 0) console.log(`demo tokens (env unset): ${defaulted.join(' ')}`);

  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
