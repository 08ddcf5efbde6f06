import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../../test/fixtures/cluster-info-envelope.schema.json';
import { RuntimeSimulator, startRuntimeSimulator } from '../src/simulator';

/**
 * The simulator answers the complete cluster-info envelope the server publishes (catalog version 14,
 * durable-workflow.v2.cluster-info-envelope; the fixture notes its source), not a subset.
 */
describe('GET /api/cluster/info against the published envelope schema', () => {
  let sim: RuntimeSimulator;
  beforeAll(async () => { sim = await startRuntimeSimulator({ serverId: 'schema-sim' }); });
  afterAll(() => sim.close());

  const validator = () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    // The two manifests the schema points at for worker sessions and local activities are separate
    // catalog entries; the simulator advertises neither, so they are registered as open schemas.
    ajv.addSchema({ $id: 'worker-sessions-runtime.schema.json', $defs: { workerSessionRuntimeContract: { type: 'object' } } });
    ajv.addSchema({ $id: 'local-activity-runtime.schema.json', $defs: { localActivityRuntimeContract: { type: 'object' } } });
    return ajv.compile(schema);
  };

  it('validates, with every required section present', async () => {
    const response = await fetch(`${sim.baseUrl}/api/cluster/info`, { headers: { authorization: `Bearer ${sim.tokens.admin}` } });
    const body = await response.json();
    const validate = validator();
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(schema['x-durable-workflow-catalog-version']).toBe(14);
  });

  it('fails a body missing a required section (the check can fail)', async () => {
    const body = await (await fetch(`${sim.baseUrl}/api/cluster/info`, { headers: { authorization: `Bearer ${sim.tokens.admin}` } })).json() as Record<string, unknown>;
    delete body.coordination_health;
    expect(validator()(body)).toBe(false);
  });
});
