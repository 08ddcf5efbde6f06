import { sql } from 'kysely';
import { ProjectionRunner } from '../../libs/read-model/src/projection/projection-runner';
import { allProjectors } from '../../projections';
import { esdbLabel, EsdbUnderTest, openEsdbUnderTest } from '../support/eventstoredb';
import { createOrganization, TestApp } from '../support/test-app';
import { appOnEventStore } from '../support/app-on-event-store';

/** The same rebuild on both event stores: events in es_events, or in EventStoreDB (read models in PostgreSQL/PGlite either way). */
const pairings: [string, () => Promise<{ url?: string; close(): Promise<void> }>][] = [
  // The es_events pairing is test/projections/rebuild.test.ts (stricter projectors, every table seeded).
  [`events in EventStoreDB (${esdbLabel()})`, async () => {
    const esdb: EsdbUnderTest = await openEsdbUnderTest();
    return { url: esdb.url, close: () => esdb.close() };
  }],
];

describe.each(pairings)('rebuilding projections from position 0, %s', (_label, openEvents) => {
  let app: TestApp;
  appOnEventStore(openEvents, (started) => { app = started; });

  it('yields exactly the rows the live projectors hold, table by table', async () => {
    const prefix = `rb-${Date.now().toString(36)}`;
    for (const name of [`${prefix}-a`, `${prefix}-b`]) {
      const { api } = await createOrganization(app, name);
      for (const project of ['p1', 'p2']) {
        await api.post('/api/v1/projects', { name: project });
        await api.patch(`/api/v1/projects/${project}`, { description: `about ${project}` });
        await api.post(`/api/v1/projects/${project}/environments`, { name: 'prod' });
        await api.post(`/api/v1/projects/${project}/environments/prod/namespaces`, { name: `${project}-orders` });
      }
      await api.delete('/api/v1/namespaces/p1-orders');
    }
    const head = await app.platform.store.lastCommittedPosition();
    expect(await app.platform.runner.waitFor(head, 10_000)).toBe(true);

    const db = app.storage.db;
    await sql`create schema rebuild`.execute(db);
    const rebuilt = db.withSchema('rebuild');
    const runner = new ProjectionRunner(app.platform.store, rebuilt, allProjectors);
    await runner.migrate();
    runner.start();
    expect(await runner.waitFor(head, 20_000)).toBe(true);
    await runner.stop();

    for (const projector of allProjectors) {
      for (const table of projector.tables) {
        const live = await sql`select * from public.${sql.id(table)} order by 1, 2`.execute(db);
        const fresh = await sql`select * from rebuild.${sql.id(table)} order by 1, 2`.execute(db);
        expect({ table, rows: fresh.rows }).toEqual({ table, rows: live.rows });
      }
    }
    const projects = await sql<{ n: bigint }>`select count(*) as n from rebuild.projects`.execute(db);
    expect(Number(projects.rows[0].n)).toBe(4);
  });
});
