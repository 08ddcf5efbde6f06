import { parseArgs } from 'node:util';
import { startEsdbDouble } from './server';

/**
 * The EventStoreDB protocol double as its own process:
 *   npm run esdb-double -- --port 2113 [--host 127.0.0.1] [--data ./esdb-double.jsonl]
 * then `EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false npm start`.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.ESDB_DOUBLE_PORT ?? '2113' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port, not ${values.port}`);
  const double = await startEsdbDouble({ port, host: values.host, dataFile: values.data });
  process.stdout.write(`EventStoreDB protocol double listening: EVENTSTORE_URL=${double.url} (log: ${values.data ?? 'in memory'})\n`);
  const stop = () => void double.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`esdb-double failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
