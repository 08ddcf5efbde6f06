import { eventStorePairings } from '../support/eventstoredb';
import { crashSuite } from '../support/process-crash-suite';
import { describeOnPostgres } from '../support/test-storage';

jest.setTimeout(300_000);

const [label, openEvents] = eventStorePairings()[0];
describeOnPostgres(`multi-step flows killed between any two steps and restarted (PostgreSQL: the control plane is its own process; ${label})`,
  () => crashSuite(openEvents));
