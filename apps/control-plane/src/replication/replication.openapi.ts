import { documentRoutes } from '../openapi/operations';
import { anyObject, arr, bool, int, named, nullable, num, obj, str } from '../openapi/schema';
import { ReplicationController } from './replication.controller';

const Target = obj({ id: str(), region: str(), base_url: str() });

const Replication = named('NamespaceReplication', obj({
  state: str('healthy, failing_over, failed_over, failing_back, …'), current_primary: Target, home_primary: Target, secondary_region: str(),
  lag_seconds: nullable(num()), last_successful_replication_at: nullable(str()), last_failover_at: nullable(str()), last_failback_at: nullable(str()),
  automatic_failover: bool(), epoch: int('grows with every switch'), failover_after_failed_checks: int(), failback_after_healthy_checks: int(),
  saga: anyObject('the saga\'s state: checks, consecutive failures and successes, the switch under way'),
  recent_decisions: arr(anyObject('a recorded check and the decision taken, with why')),
}, ['lag_seconds', 'last_successful_replication_at', 'last_failover_at', 'last_failback_at']));

const Verdict = named('ReplicationSwitchVerdict', obj({ go: bool(), reasons: arr(str()), predicted_rpo_seconds: nullable(num()) }));

documentRoutes(ReplicationController, {
  enroll: { summary: 'Enroll the namespace in a primary/secondary pair (its current target becomes the home primary)', returns: Replication },
  get: { summary: 'The namespace\'s replication state, saga and recent decisions', returns: Replication },
  leave: { summary: 'Leave the pair', returns: Replication },
  patch: { summary: 'Turn automatic failover on or off', returns: Replication },
  failover: { summary: 'Fail over to the secondary now (dry_run=true: go or no-go with reasons)', returns: Verdict },
  failback: { summary: 'Fail back to the home primary now (dry_run=true: go or no-go with reasons)', returns: Verdict },
  events: {
    summary: 'The saga\'s steps as server-sent events, starting with the current state (Last-Event-ID resumes)',
    returns: { type: 'string', description: 'text/event-stream' },
    produces: 'text/event-stream',
  },
});
