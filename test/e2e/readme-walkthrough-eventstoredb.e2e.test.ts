import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { EventStoreDbEventStore } from '../../libs/event-store/src';
import { ControlPlaneChild, freePort, startControlPlaneChild } from '../support/control-plane-child';
import { esdbLabel, realEventStoreDb } from '../support/eventstoredb';
import { TEST_OPERATOR_TOKEN } from '../support/test-app';
import { openTestStorage, TestStorage } from '../support/test-storage';

const DOUBLE = join(__dirname, '../../dist/apps/esdb-double/src/main.js');
const README = join(__dirname, '../../README.md');
const run = promisify(execFile);

jest.setTimeout(180_000);

/**
 * The README's curl walk-through, run as written (its shell block, through bash and curl), against the control
 * plane started as its own process (dist/) with EVENTSTORE_URL — the protocol double as another process
 * (`npm run esdb-double`), or the server EVENTSTORE_URL names. The start-up line and the event store's own log
 * show which store held the events.
 */
describe(`the README walk-through with the events in EventStoreDB, every part its own process [${esdbLabel()}]`, () => {
  let double: ChildProcess | undefined;
  let eventStoreUrl: string;
  let storage: TestStorage | undefined;
  let dataDir: string | undefined;
  let controlPlane: ControlPlaneChild;

  beforeAll(async () => {
    if (realEventStoreDb()) eventStoreUrl = process.env.EVENTSTORE_URL!;
    else {
      if (!existsSync(DOUBLE)) throw new Error(`${DOUBLE} is missing: npm test builds it first (tsc -p tsconfig.json)`);
      const port = await freePort();
      const started = spawn(process.execPath, [DOUBLE, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      double = started;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        started.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('listening')) resolve();
        });
        started.once('exit', (code) => reject(new Error(`esdb-double exited (${code}) before listening: ${out}`)));
      });
      eventStoreUrl = `esdb://127.0.0.1:${port}?tls=false`;
    }
    // The read models on PostgreSQL when DATABASE_URL is set, else PGlite in a directory of its own.
    storage = process.env.DATABASE_URL ? await openTestStorage() : undefined;
    dataDir = storage ? undefined : mkdtempSync(join(tmpdir(), 'dwc-walkthrough-'));
    controlPlane = await startControlPlaneChild(storage?.url ?? { dataDir: dataDir! }, { EVENTSTORE_URL: eventStoreUrl });
  });
  afterAll(async () => {
    await controlPlane?.kill();
    if (double && double.exitCode === null) {
      const exited = new Promise((resolve) => double!.once('exit', resolve));
      double.kill('SIGTERM');
      await exited;
    }
    await storage?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The walk-through's shell block, split where the reader pastes the key; the variables come from the test. */
  const walkThrough = () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.slice(readme.indexOf('## Walk-through with curl'));
    const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
    const lines = block.split('\n');
    const keyLine = lines.findIndex((line) => line.startsWith('KEY='));
    const script = (part: string[]) => part.filter((line) => !/^(API|OP|KEY)=/.test(line)).join('\n');
    return { asOperator: script(lines.slice(0, keyLine)), withKey: script(lines.slice(keyLine + 1)) };
  };

  /** Runs a part of the block with bash; each curl also prints its status, so every answer can be checked. */
  const shell = async (script: string, env: Record<string, string>) => {
    const wrapped = `curl() { command curl -w '\\n%{http_code}\\n' "$@"; }\n${script}`;
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', wrapped], { env: { ...process.env, ...env } });
    const lines = stdout.split('\n').filter((line) => line !== '');
    const answers: { status: number; body: unknown }[] = [];
    for (let i = 0; i < lines.length; i += 2) answers.push({ body: JSON.parse(lines[i]), status: Number(lines[i + 1]) });
    return answers;
  };

  it('passes as written, and the events are in EventStoreDB', async () => {
    expect(controlPlane.stdout()).toContain(`events: EventStoreDB at ${eventStoreUrl.replace(/^esdb:\/\/[^@/]*@/, 'esdb://')}`);
    const { asOperator, withKey } = walkThrough();
    expect(asOperator).toContain('curl -s -X POST $API/api/v1/operator/organizations');

    const [created] = await shell(asOperator, { API: controlPlane.baseUrl, OP: TEST_OPERATOR_TOKEN });
    expect(created.status).toBe(201);
    const { organization, api_key: apiKey } = created.body as { organization: { id: string }; api_key: { token: string } };

    const answers = await shell(withKey, { API: controlPlane.baseUrl, KEY: apiKey.token });
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 200, 200, 200, 200]);
    const [projects, environments, namespaces, orders] = answers.slice(3).map((a) => a.body as Record<string, unknown>);
    expect(projects.projects).toEqual([expect.objectContaining({ name: 'commerce' })]);
    expect(environments.environments).toEqual([expect.objectContaining({ name: 'prod' })]);
    expect(namespaces.namespaces).toEqual([expect.objectContaining({ name: 'orders' })]);
    expect(orders).toMatchObject({ name: 'orders', project: 'commerce', environment: 'prod' });

    // The organization's events are in EventStoreDB, read back with the real client.
    const esdb = new EventStoreDbEventStore(eventStoreUrl);
    try {
      const types = (await esdb.readAll({ organizationId: organization.id, limit: 1000 })).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['OrganizationCreated', 'ProjectCreated', 'EnvironmentCreated', 'NamespaceCreated']));
    } finally {
      await esdb.close();
    }
    // … and none in es_events (on PostgreSQL the test can look; PGlite is held by the control plane's process).
    if (storage) expect(Number((await sql<{ n: string }>`select count(*) as n from es_events`.execute(storage.db)).rows[0].n)).toBe(0);
  });
});
