import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchResults, validateResults } from '../../bench/support/results';
import { END_MARKER, START_MARKER } from '../../bench/readme';
import { describeOnPostgres, onPostgres } from '../support/test-storage';

/**
 * Smoke test of the benchmark harness: `npm run bench -- --quick` with tiny sizes, in its own process
 * from the compiled tree (`npm test` compiles first; the benchmarks start the built control plane),
 * proves every benchmark still runs and that `results.json` holds valid figures — and that
 * `npm run bench:readme` renders them into the README's table. No figure is asserted: the sizes are
 * too small to mean anything.
 */
const root = join(__dirname, '../..');
const runner = join(root, 'dist/bench/run.js');
const readme = join(root, 'dist/bench/readme.js');

const bench = (args: string[], timeoutMs: number) => {
  if (!existsSync(runner)) throw new Error(`${runner} is missing: compile first (npx tsc -p tsconfig.json)`);
  return spawnSync(process.execPath, [runner, ...args], { cwd: root, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, LOG_LEVEL: 'error' } });
};

const readResults = (path: string): BenchResults => {
  const document = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  expect(validateResults(document)).toEqual([]);
  return document;
};

/** `npm run bench:readme` replaces exactly the marked table of a page with the figures of `out`. */
function expectReadmeRenders(out: string, dir: string, row: string) {
  const page = join(dir, 'README.md');
  writeFileSync(page, `# title\n\nbefore\n${START_MARKER}\nold table\n${END_MARKER}\nafter\n`);
  const rendered = spawnSync(process.execPath, [readme, out, page], { encoding: 'utf8' });
  expect(rendered.status).toBe(0);
  const text = readFileSync(page, 'utf8');
  expect(text).not.toContain('old table');
  expect(text).toMatch(/^before\n<!-- bench:results:start -->\n/m);
  expect(text).toMatch(/<!-- bench:results:end -->\nafter\n$/);
  expect(text).toContain(row);
  expect(text).toContain('QUICK mode');
}

describe('npm run bench -- --quick', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dwc-bench-smoke-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an unknown benchmark name and lists the known ones', () => {
    const refused = bench(['--quick', '--out', join(dir, 'never.json'), 'no-such-bench'], 60_000);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('unknown benchmark no-such-bench');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    const listed = bench(['--list'], 60_000);
    expect(listed.status).toBe(0);
    for (const name of ['http', 'pglite', 'lag', 'rss', 'growth']) expect(listed.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
  });

  // On PostgreSQL the next suite runs every other benchmark and renders their table.
  const embeddedPass = onPostgres() ? it.skip : it;
  embeddedPass('runs the PGlite benchmark alone, writes valid results and the README table renders them (embedded pass)', () => {
    const out = join(dir, 'pglite.json');
    const run = bench(['--quick', '--out', out, 'pglite'], 240_000);
    expect(run.stderr).not.toContain('failed');
    expect(run.status).toBe(0);
    const document = readResults(out);
    expect(document.quick).toBe(true);
    expect(document.benches).toEqual(['pglite']);
    const figures = document.results.map((r) => r.figure);
    expect(figures).toEqual(expect.arrayContaining([
      'POST /api/v1/projects, 16 connections', 'POST /api/v1/projects, 16 connections, p99', 'authorized GET /api/v1/projects?limit=10, 16 connections',
    ]));
    expect(document.results.every((r) => r.storage === 'pglite' && r.baseline !== null && r.ratio !== null)).toBe(true);
    expect(document.results.filter((r) => r.goal !== null).length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toContain('## Goals (issue 13)');

    expectReadmeRenders(out, dir, '| pglite | POST /api/v1/projects, 16 connections | PGlite |');
  }, 300_000);
});

describeOnPostgres('npm run bench -- --quick on PostgreSQL', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dwc-bench-smoke-pg-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every benchmark on PostgreSQL with tiny sizes and records every figure of the issue', () => {
    const out = join(dir, 'results.json');
    // The embedded benchmark (pglite) runs alone in the embedded pass, above; here the others, on this server.
    const listed = bench(['--list'], 60_000);
    const names = [...listed.stdout.matchAll(/^(\S+)\s/gm)].map((m) => m[1]).filter((name) => name !== 'pglite');
    expect(names).toEqual(expect.arrayContaining(['http', 'lag', 'rss', 'growth', 'failover']));
    const run = bench(['--quick', '--out', out, ...names], 1_200_000);
    expect(run.stderr).not.toMatch(/benchmark \S+ failed/);
    expect(run.status).toBe(0);
    const document = readResults(out);
    const benches = document.results.map((r) => r.bench);
    for (const name of document.benches) expect(benches).toContain(name);
    const figures = document.results.map((r) => r.figure).join('\n');
    for (const wanted of [
      /^POST \/api\/v1\/projects, 16 connections$/m, /^authorized GET \/api\/v1\/projects, 16 connections$/m,
      /^ApiKeyAuthenticator.authenticate, 16 concurrent$/m, /^workflow start through Cloud, 16 connections$/m,
      /^appends through the port, 8 writers$/m, /^projection catch-up/m, /billing\/usage .*p95$/m, /^usage ingestion/m,
      /^projection lag commit → read model at 1,000 commands\/s, p99$/m, /^control-plane RSS after .* events appended and projected$/m,
      /p50 at 10× data/m,
    ]) expect(figures).toMatch(wanted);
    expectReadmeRenders(out, dir, '| http | POST /api/v1/projects, 16 connections | PostgreSQL |');
  }, 1_300_000);
});
