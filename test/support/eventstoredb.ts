import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbDouble, startEsdbDouble } from '../../apps/esdb-double/src/server';

/**
 * The EventStoreDB the tests talk to through the real client: the server EVENTSTORE_URL names when it
 * is set, else the protocol double (apps/esdb-double) started in this process. Titles say which ran.
 */
export interface EsdbUnderTest {
  readonly url: string;
  /** False on a real server: the double can be restarted (same port, same log file), a server cannot. */
  readonly isDouble: boolean;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const realEventStoreDb = () => Boolean(process.env.EVENTSTORE_URL);

export const esdbLabel = () => (realEventStoreDb()
  ? `a real EventStoreDB at ${process.env.EVENTSTORE_URL!.replace(/\/\/[^@/]*@/, '//')}`
  : 'real EventStoreDB not available: ran against the protocol double (set EVENTSTORE_URL to use a server)');

export async function openEsdbUnderTest(): Promise<EsdbUnderTest> {
  if (realEventStoreDb()) {
    return {
      url: process.env.EVENTSTORE_URL!, isDouble: false,
      restart: async () => { throw new Error('a real server is not restarted by the tests'); },
      close: async () => undefined,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'esdb-double-'));
  const dataFile = join(dir, 'log.jsonl');
  let double: EsdbDouble = await startEsdbDouble({ dataFile });
  const port = double.port;
  return {
    url: double.url, isDouble: true,
    restart: async () => {
      await double.close();
      double = await startEsdbDouble({ port, dataFile });
    },
    close: async () => {
      await double.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where a suite's events live: `url` undefined for es_events (the PostgreSQL/PGlite store), else EventStoreDB's. */
export interface EventsUnderTest {
  readonly url?: string;
  close(): Promise<void>;
}

/**
 * The two pairings a suite runs on with `describe.each`: events in es_events, and events in EventStoreDB
 * (the server EVENTSTORE_URL names, else the protocol double) — read models in PostgreSQL/PGlite either way.
 */
export const eventStorePairings = (): [string, () => Promise<EventsUnderTest>][] => [
  ['events in es_events', async () => ({ close: async () => undefined })],
  [`events in EventStoreDB (${esdbLabel()})`, async () => {
    const esdb = await openEsdbUnderTest();
    return { url: esdb.url, close: () => esdb.close() };
  }],
];
