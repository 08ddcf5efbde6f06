import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runAuditBench } from './audit.bench';
import { runAuthBench } from './auth.bench';
import { runBillingBench } from './billing.bench';
import { runEventStoreBench } from './event-store.bench';
import { runEventStoreDbBench } from './eventstoredb.bench';
import { runFailoverBench } from './failover.bench';
import { runForwardingBench } from './forwarding.bench';
import { runGrowthBench } from './growth.bench';
import { runHttpBench } from './http.bench';
import { runLagBench } from './lag.bench';
import { runPgliteBench } from './pglite.bench';
import { runProjectionBench } from './projection.bench';
import { runRssBench } from './rss.bench';
import { adminQuery } from './support/bench-database';
import { benchOptions } from './support/options';
import { results, validateResults } from './support/results';

interface Bench {
  readonly name: string;
  readonly what: string;
  readonly run: () => Promise<void>;
}

/** Every benchmark, in the order `npm run bench` runs them; each records its figures beside a raw baseline of the same run. */
export const BENCHES: readonly Bench[] = [
  { name: 'event-store', what: 'appends through the port vs raw one-row INSERT transactions (1 and 8 writers)', run: runEventStoreBench },
  { name: 'projection', what: 'audit-log projector catch-up vs raw multi-row INSERT of the same rows', run: runProjectionBench },
  { name: 'http', what: 'POST /api/v1/projects (1 and 16 connections) and GET, vs /health/live, on PostgreSQL', run: runHttpBench },
  { name: 'pglite', what: 'POST and GET /api/v1/projects vs /health/live with the control plane on PGlite', run: runPgliteBench },
  { name: 'auth', what: 'authorized GET vs /health/live; ApiKeyAuthenticator.authenticate vs the raw credential lookup', run: runAuthBench },
  { name: 'forwarding', what: 'workflow start through Cloud vs the runtime directly', run: runForwardingBench },
  { name: 'billing', what: 'one-month usage over 1,000 namespaces; usage ingestion vs raw multi-row INSERT', run: runBillingBench },
  { name: 'lag', what: 'projection lag (commit → read model) under a steady 1,000 commands/s', run: runLagBench },
  { name: 'rss', what: 'control-plane RSS after 1,000,000 events appended and projected', run: runRssBench },
  { name: 'growth', what: 'indexed paths at 1× and 10× data (orgs, keys, projects, namespaces, events)', run: runGrowthBench },
  { name: 'audit', what: 'auditor replay and chain verification over 1,000,000 events vs raw keyset reads', run: runAuditBench },
  { name: 'eventstoredb', what: 'the EventStoreDB adapter on the protocol double vs its raw client', run: runEventStoreDbBench },
  { name: 'failover', what: 'home failure → routing switched, against the RTO', run: runFailoverBench },
];

const USAGE = `usage: npm run bench -- [--quick] [--out <file>] [--list] [<name> ...]
  <name> ...     run only these benchmarks (default: all, in the order of --list)
  --quick        tiny sizes, for the smoke test: proves the harness works, the figures mean nothing
  --out <file>   where to write the results (default: bench/results.json; --quick: bench/results.quick.json)
  --list         print the benchmarks and exit`;

interface Arguments { readonly names: readonly string[]; readonly quick: boolean; readonly out: string | undefined; readonly list: boolean }

function parseArguments(argv: readonly string[]): Arguments {
  const names: string[] = [];
  let quick = process.env.BENCH_QUICK === '1';
  let out: string | undefined;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--list') list = true;
    else if (arg === '--out') out = argv[++i];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  return { names, quick, out, list };
}

// A stray rejection inside a benchmark (a background request of an overloaded server) must not end the run unrecorded.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection during the run: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  process.exitCode = 1;
});

async function main() {
  const args = parseArguments(process.argv.slice(2));
  if (args.list) {
    for (const bench of BENCHES) process.stdout.write(`${bench.name.padEnd(14)}${bench.what}\n`);
    return;
  }
  benchOptions.quick = args.quick;
  const selected = args.names.length > 0 ? BENCHES.filter((b) => args.names.includes(b.name)) : BENCHES;
  const out = args.out ?? join(__dirname, '../../bench', args.quick ? 'results.quick.json' : 'results.json');
  process.stdout.write(`# Durable Workflow Cloud benchmarks — node ${process.version}, ${new Date().toISOString()}${args.quick ? ' (quick: tiny sizes, figures meaningless)' : ''}\n`);
  const failed: string[] = [];
  const overrides = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('BENCH_') && k !== 'BENCH_QUICK' && v !== undefined && v !== '')) as Record<string, string>;
  const meta = { quick: args.quick, benches: selected.map((b) => b.name), overrides };
  for (const bench of selected) {
    results.begin(bench.name);
    // Quick figures mean nothing, and the smoke test runs beside other tests on a shared server.
    if (!args.quick) await settleServer();
    const started = Date.now();
    try {
      await bench.run();
    } catch (error) {
      failed.push(bench.name);
      process.stderr.write(`benchmark ${bench.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.stdout.write(`(${bench.name}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    // Written after every benchmark, so a run cut short still leaves what it measured.
    results.write(out, meta);
  }
  const document = results.write(out, meta);
  const problems = validateResults(document);
  if (problems.length > 0) throw new Error(`results do not validate: ${problems.join('; ')}`);
  printSummary();
  process.stdout.write(`\n${document.results.length} figures written to ${out}\n`);
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

/**
 * The previous benchmark's writes (millions of rows, a dropped database) are still being flushed by PostgreSQL's
 * checkpointer and the kernel when the next one starts, and a latency benchmark after a bulk one measured those
 * flushes (lag p99 232 ms after the billing benchmark, 72 ms alone). A CHECKPOINT and a sync first, so each
 * benchmark starts on a settled server.
 */
async function settleServer(): Promise<void> {
  try {
    await adminQuery('checkpoint');
    spawnSync('sync');
  } catch (error) {
    process.stderr.write(`could not checkpoint the PostgreSQL server before the benchmark (${(error as Error).message}): figures may include earlier writes\n`);
  }
}

/** Every figure with a goal, one line each: the summary the table asks for. */
function printSummary() {
  const withGoals = results.all.filter((r) => r.goal !== null);
  if (withGoals.length === 0) return;
  process.stdout.write('\n## Goals (issue 13)\n');
  for (const r of withGoals) {
    const base = r.baseline === null ? '' : `  vs ${r.baseline_figure} ${r.baseline.toLocaleString('en-US')} ${r.baseline_unit} (${r.ratio}×)`;
    process.stdout.write(`${r.met ? 'met    ' : 'NOT met'}  ${r.figure} [${r.storage}]: ${r.value.toLocaleString('en-US')} ${r.unit}${base}; goal ${r.goal}\n`);
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
