import { eventStorePairings } from '../support/eventstoredb';
import { crashSuite } from '../support/process-crash-suite';
import { describeOnPostgres } from '../support/test-storage';

jest.setTimeout(300_000);

/**
 * The events in EventStoreDB: the protocol double in this test's process, or the server EVENTSTORE_URL names,
 * outliving every killed control plane. Every flow, its run without a crash and its first crash point: where
 * a crash lands is the store's business in none of them (process-crash.test.ts kills at every point with the
 * events in es_events), and the whole set twice would push the PostgreSQL pass of `npm test` past ten minutes.
 */
const [label, openEvents] = eventStorePairings()[1];
describeOnPostgres(`multi-step flows killed at their first crash point and restarted (PostgreSQL: the control plane is its own process; ${label})`,
  () => crashSuite(openEvents, { crashPointsPerFlow: 1 }));
