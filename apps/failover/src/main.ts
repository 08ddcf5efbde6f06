import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../control-plane/src/app.module';
import { loadConfig } from '../../control-plane/src/config/config';
import { openPlatform } from '../../control-plane/src/platform/platform';
import { Processes } from '../../control-plane/src/processes/processes.service';

/**
 * The process managers without the HTTP API, for the distributed deployment: the replication saga and
 * every other process (provisioning, credential issuance, deletions) and the target prober run here,
 * while the API replicas run with DWC_EMBEDDED_PROCESSES=false. Leases keep one runner per process
 * type even if several of these run; a standby takes over when the holder dies.
 */
async function main() {
  const config = { ...loadConfig(), embeddedProcesses: true };
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required: the embedded (PGlite) mode runs the processes inside the control plane');
  // EVENTSTORE_URL as for the API: the processes read and append where the control plane's events are.
  const platform = await openPlatform({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, embeddedProjector: false, leaseTtlMs: config.leaseTtlMs, eventStoreUrl: config.eventStoreUrl,
  });
  const context = await NestFactory.createApplicationContext(AppModule.create(platform, config), { logger: ['error', 'warn', 'log'] });
  const processes = context.get(Processes);
  process.stdout.write(`Durable Workflow Cloud failover runner started (processes: ${processes.runner.definitions.map((d) => d.name).join(', ')}; events: ${platform.eventStoreDescription})\n`);
  const shutdown = async () => {
    await context.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  process.stderr.write(`failover runner failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
