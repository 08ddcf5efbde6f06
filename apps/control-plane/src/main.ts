import { loadConfig } from './config/config';
import { createControlPlaneApp } from './create-app';
import { openPlatform } from './platform/platform';
import { acquireDataDirLock } from './platform/data-dir-lock';

// A background task that fails must never take the whole control plane down with it (a database
// restart is survived: requests answer 503 meanwhile); the failure is logged for what it is.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection (kept running): ${reason instanceof Error ? reason.stack : String(reason)}\n`);
});

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) acquireDataDirLock(config.dataDir);
  const platform = await openPlatform({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedProjector: config.embeddedProjector, eventStoreUrl: config.eventStoreUrl,
    leaseTtlMs: config.leaseTtlMs,
  });
  const app = await createControlPlaneApp(platform, config);
  await app.listen({ port: config.port, host: config.host });
  const storage = platform.storage.description;
  process.stdout.write(`Durable Workflow Cloud control plane listening on http://${config.host}:${config.port} (storage: ${storage}; events: ${platform.eventStoreDescription})\n`);
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
