import { loadConfig } from './config/config';
import { createControlPlaneApp } from './create-app';
import { openPlatform } from './platform/platform';
import { acquireDataDirLock } from './platform/data-dir-lock';

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) acquireDataDirLock(config.dataDir);
  const platform = await openPlatform({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedProjector: config.embeddedProjector });
  const app = await createControlPlaneApp(platform, config);
  await app.listen({ port: config.port, host: config.host });
  const storage = platform.storage.description;
  process.stdout.write(`Durable Workflow Cloud control plane listening on http://${config.host}:${config.port} (storage: ${storage})\n`);
  if (config.operatorTokenGenerated) {
    // Shown once, on the first start only; it is kept (mode 0600) in the data dir for later starts.
    process.stdout.write(`Generated operator token (saved in ${config.dataDir}/operator-token):\n  ${config.operatorToken}\n`);
  }
  const shutdown = async () => {
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  const detail = error instanceof Error ? (process.env.LOG_LEVEL === 'debug' ? error.stack : error.message) : String(error);
  process.stderr.write(`control plane failed to start: ${detail}\n`);
  process.exit(1);
});
