import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runEventStoreBench } from './event-store.bench';
import { runHttpBench } from './http.bench';
import { runProjectionBench } from './projection.bench';

/** Every benchmark, each printing its figures beside a raw baseline measured in the same run. */
async function main() {
  process.stdout.write(`# Durable Workflow Cloud benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  await runEventStoreBench();
  await runProjectionBench();
  await runHttpBench();
  // Benchmarks of later capabilities register here as they land; each file runs alone too.
  for (const [file, exported] of [['auth.bench.js', 'runAuthBench'], ['forwarding.bench.js', 'runForwardingBench'], ['billing.bench.js', 'runBillingBench']]) {
    const path = join(__dirname, file);
    if (existsSync(path)) await (require(path) as Record<string, () => Promise<void>>)[exported]();
  }
}

main().catch((error) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
