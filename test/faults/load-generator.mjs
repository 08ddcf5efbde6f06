// A separate load process for the fault tests: creates projects through the HTTP API with an
// Idempotency-Key each, retrying the same key on 503, 409 in-progress and connection errors, and
// appends one ledger line per answer to the ledger file (so the test reads what was acknowledged).
// Usage: node load-generator.mjs <baseUrl> <token> <ledgerFile> <prefix> [concurrency]
import { appendFileSync } from 'node:fs';

const [baseUrl, token, ledger, prefix, concurrency = '4'] = process.argv.slice(2);
let stopping = false;
process.on('SIGTERM', () => { stopping = true; });
let next = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const note = (entry) => appendFileSync(ledger, `${JSON.stringify(entry)}\n`);

async function worker() {
  while (!stopping) {
    const name = `${prefix}-${next++}`;
    for (let attempt = 1; ; attempt++) {
      let status;
      let type = '';
      try {
        const response = await fetch(`${baseUrl}/api/v1/projects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `k-${name}` },
          body: JSON.stringify({ name }),
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        type = (await response.text()).match(/"type":"[^"]*\/([a-z-]+)"/)?.[1] ?? '';
      } catch {
        status = 0; // the control plane is not there (killed, restarting)
      }
      note({ name, status, attempt, type });
      if (status === 201 || status === 202) break;
      const retry = status === 0 || status === 503 || (status === 409 && type === 'idempotency-key-in-progress') || status === 502 || status === 504;
      if (!retry || attempt > 200) break;
      await sleep(150);
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, worker));
process.exit(0);
