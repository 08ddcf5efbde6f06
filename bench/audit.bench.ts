import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createEventStoreSchema } from '../libs/event-store/src';
import { openBenchDatabase } from './support/bench-database';
import { freePort, rssMb, startControlPlaneProcess } from './support/control-plane-process';
import { size } from './support/options';
import { fmt, printTable, ratio } from './support/report';
import { results } from './support/results';
import { waitUntilProjected } from './support/wait-projected';

const CHUNK = 50_000;
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

/**
 * Auditor-scale reads on the local PostgreSQL server: one organization with EVENTS events (plus a tenth
 * as many of another organization, interleaved), seeded with one INSERT … SELECT per 50,000 rows, then
 * projected by the control plane (a separate process) into the hash-chained audit log. In one run:
 * - replay through HTTP (`GET /api/v1/events`, NDJSON, the event-store port page by page) while the other
 *   organization keeps writing, beside a raw sequential read of the same rows (keyset pages of 1,000
 *   straight from es_events), with the server's RSS sampled throughout (memory must stay flat);
 * - full audit-chain verification (`/audit-log/verify?full=true`) beside a raw sequential read of the
 *   same audit_log rows, and the incremental verification after a signed checkpoint.
 */
export async function runAuditBench(): Promise<void> {
  const EVENTS = size('BENCH_AUDIT_EVENTS', 1_000_000, 2_000);
  /** The other organization's share, interleaved in the same table. */
  const OTHER_EVENTS = Math.round(EVENTS / 10);
  const PORT = Number(process.env.BENCH_AUDIT_PORT ?? await freePort());
  const db = await openBenchDatabase(8);
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const server = await (async () => {
    await createEventStoreSchema(db.db);
    return startControlPlaneProcess(db.url, PORT, { DWC_AUDIT_CHECKPOINT_INTERVAL_MS: '0', DWC_AUDIT_SIGNING_KEY: signingKey, DWC_PROBE_INTERVAL_MS: '0' });
  })();
  try {
    const organization = async (name: string) => (await fetch(`${server.baseUrl}/api/v1/operator/organizations`, {
      method: 'POST', headers: { authorization: `Bearer ${server.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, owner_email: `owner@${name}.test` }),
    }).then((r) => r.json())) as { organization: { id: string }; api_key: { token: string } };
    const audited = await organization('audited');
    const other = await organization('other');

    // Seed: chunks of the audited organization's events with the other's interleaved.
    const seedStarted = process.hrtime.bigint();
    const seed = async (org: string, from: number, to: number) => sql`
      insert into es_events (event_id, stream_id, stream_revision, organization_id, type, data, metadata)
      select gen_random_uuid(), 'bench_item-' || ${org}::text || '.' || (i % 1000), i / 1000, ${org}::text, 'BenchItemRecorded',
        jsonb_build_object('organization_id', ${org}::text, 'n', i, 'note', 'an event of the auditor benchmark'),
        jsonb_build_object('organization_id', ${org}::text, 'actor', jsonb_build_object('id', 'usr_bench', 'kind', 'user'),
          'cause', 'req-' || i, 'correlation_id', 'req-' || i,
          'occurred_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'schema_version', 1)
      from generate_series(${from}::bigint, ${to - 1}::bigint) i`.execute(db.db);
    const chunk = Math.min(CHUNK, EVENTS);
    for (let from = 0; from < EVENTS; from += chunk) {
      await seed(audited.organization.id, from, Math.min(EVENTS, from + chunk));
      const share = Math.round((chunk * OTHER_EVENTS) / EVENTS);
      const otherFrom = (from / chunk) * share;
      await seed(other.organization.id, otherFrom, otherFrom + share);
    }
    await sql`analyze es_events`.execute(db.db);
    const seedSeconds = seconds(seedStarted);

    // The control plane projects them, the audit log hashing each into its organization's chain.
    const projectionStarted = process.hrtime.bigint();
    // Every projector past the last event (process checkpoints move only on the events they react to).
    await waitUntilProjected(db.db, 3_600_000, 500);
    const projectionSeconds = seconds(projectionStarted);
    // As autovacuum would soon: planner statistics of the freshly filled audit log (without them a keyset
    // page is planned as a bitmap scan plus sort of every remaining row).
    await sql`analyze audit_log`.execute(db.db);
    const total = EVENTS + 3; // the audited organization's own bootstrap events come on top

    // Raw baseline: the same rows, straight from the table in log order, keyset pages of 1,000.
    const rawClient = new pg.Client({ connectionString: db.url });
    await rawClient.connect();
    let rawRows = 0;
    const rawStarted = process.hrtime.bigint();
    let after = { t: '0', g: '0' };
    for (;;) {
      const page = await rawClient.query(`select event_id, stream_id, stream_revision, transaction_id::text as t, global_position::text as g, type, data, metadata
        from es_events where organization_id = $1 and (transaction_id, global_position) > ($2::xid8, $3::bigint)
        order by transaction_id, global_position limit 1000`, [audited.organization.id, after.t, after.g]);
      rawRows += page.rows.length;
      if (page.rows.length < 1000) break;
      after = page.rows[page.rows.length - 1];
    }
    const rawRate = rawRows / seconds(rawStarted);

    // Replay over HTTP while the other organization writes; the server's memory is sampled throughout.
    let writing = true;
    let otherWrites = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const r = await fetch(`${server.baseUrl}/api/v1/projects`, {
          method: 'POST', headers: { authorization: `Bearer ${other.api_key.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `w-${i}` }),
        });
        if (r.status === 201) otherWrites++;
        await r.arrayBuffer();
      }
    })();
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(server.pid)), 250);
    const rssBefore = rssMb(server.pid);
    const replayStarted = process.hrtime.bigint();
    const response = await fetch(`${server.baseUrl}/api/v1/events`, { headers: { authorization: `Bearer ${audited.api_key.token}` } });
    const foreign = `"organization_id":"${other.organization.id}"`;
    let lines = 0;
    let foreignLines = 0;
    let tail = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      const text = tail + decoder.decode(chunk as Uint8Array, { stream: true });
      const end = text.lastIndexOf('\n');
      const complete = text.slice(0, end + 1);
      tail = text.slice(end + 1);
      for (let i = complete.indexOf('\n'); i >= 0; i = complete.indexOf('\n', i + 1)) lines++;
      if (complete.includes(foreign)) foreignLines++;
    }
    const replaySeconds = seconds(replayStarted);
    clearInterval(sampler);
    samples.push(rssMb(server.pid));
    writing = false;
    await writer;
    const replayed = lines - 1; // the resume line
    const warm = samples.slice(Math.floor(samples.length / 10));

    // Verification: the raw read of the same audit_log rows, then the full and the incremental check.
    let rawAudit = 0;
    const rawAuditStarted = process.hrtime.bigint();
    let auditAfter = { c: '-1', p: '-1' };
    for (;;) {
      const page = await rawClient.query(`select * , commit_position::text as c, prepare_position::text as p from audit_log where organization_id = $1
        and (commit_position, prepare_position) > ($2::bigint, $3::bigint) order by commit_position, prepare_position limit 5000`,
      [audited.organization.id, auditAfter.c, auditAfter.p]);
      rawAudit += page.rows.length;
      if (page.rows.length < 5000) break;
      auditAfter = page.rows[page.rows.length - 1];
    }
    const rawAuditRate = rawAudit / seconds(rawAuditStarted);
    await rawClient.end();
    const api = (path: string, method = 'GET') => fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${audited.api_key.token}` } }).then((r) => r.json());
    const fullStarted = process.hrtime.bigint();
    const full = await api('/api/v1/audit-log/verify?full=true') as { ok: boolean; entries: number };
    const fullSeconds = seconds(fullStarted);
    await api('/api/v1/audit-log/checkpoints', 'POST');
    const incrementalStarted = process.hrtime.bigint();
    const incremental = await api('/api/v1/audit-log/verify') as { ok: boolean; entries: number };
    const incrementalSeconds = seconds(incrementalStarted);

    printTable(`Auditor reads: ${fmt(total)} events of one organization and ${fmt(OTHER_EVENTS)} of another in one table (seeded in ${seedSeconds.toFixed(1)} s, projected into the audit log in ${projectionSeconds.toFixed(1)} s)`, [
      ['figure', 'measured', 'raw baseline, same run', 'ratio'],
      [`replay GET /api/v1/events (${fmt(replayed)} events, ${replaySeconds.toFixed(1)} s)`, `${fmt(replayed / replaySeconds)} events/s`, `${fmt(rawRate)} rows/s keyset SELECT`, ratio(replayed / replaySeconds, rawRate)],
      [`verify ?full=true (${fmt(full.entries)} entries, ok=${full.ok})`, `${fmt(full.entries / fullSeconds)} entries/s`, `${fmt(rawAuditRate)} rows/s keyset SELECT of audit_log`, ratio(full.entries / fullSeconds, rawAuditRate)],
      [`verify from the last checkpoint (${fmt(incremental.entries)} entries, ok=${incremental.ok})`, `${(incrementalSeconds * 1000).toFixed(0)} ms`, '—', '—'],
    ]);
    printTable('Replay: server memory (RSS) and isolation while the other organization wrote', [
      ['RSS before', 'min after warm-up', 'max after warm-up', 'last', 'samples', 'foreign chunks', 'other org writes'],
      [`${rssBefore.toFixed(0)} MB`, `${Math.min(...warm).toFixed(0)} MB`, `${Math.max(...warm).toFixed(0)} MB`, `${samples[samples.length - 1].toFixed(0)} MB`, String(samples.length), String(foreignLines), String(otherWrites)],
    ]);
    results.record({
      figure: `replay GET /api/v1/events, ${fmt(replayed)} events of one organization`, value: replayed / replaySeconds, unit: 'events/s',
      baseline: { figure: 'raw keyset SELECT of the same rows', value: rawRate, unit: 'rows/s' },
    });
    results.record({ figure: 'control-plane RSS during the replay, max after warm-up', value: Math.max(...warm, rssBefore), unit: 'MB', baseline: { figure: 'RSS before the replay', value: rssBefore } });
    results.record({
      figure: `audit chain verify ?full=true, ${fmt(full.entries)} entries`, value: full.entries / fullSeconds, unit: 'entries/s',
      baseline: { figure: 'raw keyset SELECT of the same audit_log rows', value: rawAuditRate, unit: 'rows/s' },
    });
    if (foreignLines > 0) throw new Error('the replay returned another organization\'s events');
    if (replayed < EVENTS) throw new Error(`the replay returned ${replayed} events, expected at least ${EVENTS}`);
  } finally {
    await server.stop();
    await db.close();
  }
}

if (require.main === module) {
  runAuditBench().catch((error) => {
    process.stderr.write(`audit benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
