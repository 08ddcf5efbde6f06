import { RuntimeSimulator, startRuntimeSimulator } from '../../../apps/runtime-sim/src/simulator';
import { RuntimeClient } from './runtime-client';

describe('RuntimeClient.ready', () => {
  let sim: RuntimeSimulator;
  const client = new RuntimeClient({ timeoutMs: 2_000 });

  beforeEach(async () => {
    sim = await startRuntimeSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('is ready when /api/ready says ready, without sending any credential', async () => {
    expect(await client.ready(sim.baseUrl)).toEqual({ ready: true, detail: 'ready' });
    const [probe] = sim.requestsTo('GET', '/api/ready');
    expect(probe.headers.authorization).toBeUndefined();
  });

  it('is not ready on 503 not_ready, naming the failing checks', async () => {
    sim.faults.notReady();
    const result = await client.ready(sim.baseUrl);
    expect(result.ready).toBe(false);
    expect(result.detail).toContain('503');
    expect(result.detail).toContain('migrations: missing');
  });

  it('is not ready when the target is down (connection refused)', async () => {
    await sim.faults.down();
    const result = await client.ready(sim.baseUrl);
    expect(result).toMatchObject({ ready: false, detail: expect.stringContaining('unreachable') });
  });

  it('is not ready when the target hangs past the timeout', async () => {
    sim.faults.hang();
    const result = await client.ready(sim.baseUrl, { timeoutMs: 150 });
    expect(result).toMatchObject({ ready: false, detail: expect.stringContaining('timeout') });
  });

  it('is not ready when the target answers 5xx', async () => {
    sim.faults.error(502);
    expect((await client.ready(sim.baseUrl)).ready).toBe(false);
  });
});
