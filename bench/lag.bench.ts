import { randomUUID } from 'node:crypto';
import { openPlatform } from '../apps/control-plane/src/platform/platform';
import { projectStream } from '../libs/domain/tenancy/streams';
import { EventToAppend } from '../libs/event-store/src';
import { openBenchDatabase } from './support/bench-database';
import { size } from './support/options';
import { fmt, percentile, printTable } from './support/report';
import { results } from './support/results';
import { seedOrganizations } from './support/seed';

const RATE = 1_000;
const ORGANIZATIONS = 50;

/**
 * Projection lag under a steady load: commands arrive open-loop at RATE per second (scheduled by the
 * clock, not by the previous command's completion), each appending what a CreateProject command
 * appends (one ProjectCreated on a new stream, `no_stream`) through the event-store port of a
 * platform opened exactly as the control plane opens it (every projector, embedded, woken by the
 * appends, leases). For each command: commit = the append resolved; read model = every projector's
 * checkpoint has passed its position (the checkpoint moves in the transaction that writes the rows,
 * so that is when a read sees it). Baseline in the same run: the append alone (command → commit).
 */
export async function runLagBench(): Promise<void> {
  const seconds = size('BENCH_LAG_SECONDS', 20, 1);
  const db = await openBenchDatabase(16);
  const platform = await openPlatform({ storage: db, embeddedProjector: true });
  try {
    // A few organizations to create projects in (their own events projected before the clock starts).
    const { organizationIds: organizations } = await seedOrganizations(platform.store, `lag-${randomUUID().slice(0, 6)}`, 0, ORGANIZATIONS,
      { projects: 0, updatesPerProject: 0, keys: 1 }, 4);
    if (!(await platform.runner.waitFor(await platform.store.lastCommittedPosition(), 120_000))) throw new Error('seed not projected');

    const total = Math.round(RATE * seconds);
    const commitMs: number[] = [];
    const lagMs: number[] = [];
    const endToEndMs: number[] = [];
    let late = 0;
    let failed = 0;
    let firstFailure: string | undefined;
    let inFlight = 0;
    let maxInFlight = 0;
    const pending: Promise<void>[] = [];
    const command = async (i: number, scheduled: bigint) => {
      const organizationId = organizations[i % organizations.length];
      const event: EventToAppend = {
        id: randomUUID(), type: 'ProjectCreated',
        data: { organization_id: organizationId, project_id: `prj_lag${i}`, name: `lag-${i}`, description: '', created_at: new Date().toISOString() },
        metadata: { organization_id: organizationId, actor: { id: 'usr_bench', kind: 'user' }, cause: `lag-${i}`, correlation_id: `lag-${i}`, occurred_at: new Date().toISOString(), schema_version: 1 },
      };
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let committed: bigint;
      let read: bigint;
      try {
        const appended = await platform.store.append(projectStream(organizationId, `lag-${i}`), [event], 'no_stream');
        committed = process.hrtime.bigint();
        if (!(await platform.runner.waitFor(appended.position, 60_000))) throw new Error(`command ${i} was not projected within 60 s`);
        read = process.hrtime.bigint();
      } catch (error) {
        // An overloaded server refuses or times out: counted and reported, the run goes on.
        failed++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
        return;
      } finally {
        inFlight--;
      }
      commitMs.push(Number(committed - scheduled) / 1e6);
      lagMs.push(Number(read - committed) / 1e6);
      endToEndMs.push(Number(read - scheduled) / 1e6);
    };
    const started = process.hrtime.bigint();
    const interval = BigInt(Math.round(1e9 / RATE));
    for (let i = 0; i < total; i++) {
      const due = started + interval * BigInt(i);
      const now = process.hrtime.bigint();
      if (due > now) {
        const waitMs = Number(due - now) / 1e6;
        if (waitMs >= 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
      } else if (now - due > 10_000_000n) late++;
      pending.push(command(i, due));
    }
    const issuedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await Promise.all(pending);
    const achieved = total / issuedSeconds;
    if (lagMs.length === 0) throw new Error(`every command failed: ${firstFailure}`);
    for (const list of [commitMs, lagMs, endToEndMs]) list.sort((a, b) => a - b);
    const ms = (v: number) => v.toFixed(1);
    const row = (label: string, list: number[]) => [label, ms(percentile(list, 50)), ms(percentile(list, 95)), ms(percentile(list, 99)), ms(list[list.length - 1])];
    printTable(`Projection lag at a steady ${fmt(RATE)} commands/s on PostgreSQL (${fmt(total)} commands over ${seconds} s, every projector embedded; `
      + `issued at ${fmt(achieved)}/s, ${late} issued >10 ms late, at most ${maxInFlight} in flight, ${failed} failed${firstFailure ? `: ${firstFailure}` : ''})`, [
      ['latency', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      row('command → commit (baseline: the append alone)', commitMs),
      row('commit → read model (every projector past it)', lagMs),
      row('command → read model', endToEndMs),
    ]);
    results.record({ figure: 'commands that failed (refused or timed out)', value: failed, unit: 'commands', baseline: { figure: 'commands issued', value: total } });
    results.record({ figure: `commands issued per second (target ${fmt(RATE)}/s, open loop)`, value: achieved, unit: 'commands/s', baseline: { figure: 'target rate', value: RATE }, goal: { on: 'ratio', op: '>=', target: 0.95 } });
    const baseline = { figure: 'command → commit (the append alone), p99', value: percentile(commitMs, 99) };
    results.record({ figure: `projection lag commit → read model at ${fmt(RATE)} commands/s, p50`, value: percentile(lagMs, 50), unit: 'ms', baseline: { figure: 'command → commit, p50', value: percentile(commitMs, 50) } });
    results.record({ figure: `projection lag commit → read model at ${fmt(RATE)} commands/s, p99`, value: percentile(lagMs, 99), unit: 'ms', baseline, goal: { on: 'value', op: '<', target: 100 } });
  } finally {
    await platform.close();
    await db.close();
  }
}

if (require.main === module) {
  runLagBench().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`lag benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
