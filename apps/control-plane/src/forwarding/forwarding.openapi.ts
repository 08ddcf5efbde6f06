import { documentRoutes } from '../openapi/operations';
import { anyObject, dateTime, int, named, nullable, page, str, obj } from '../openapi/schema';
import { ForwardingController } from './forwarding.controller';
import { RuntimeCommandsController } from './runtime-commands.controller';

const CommandFacts = named('RuntimeCommandFacts', obj({
  audit_id: str('also sent to the target as X-Request-Id and returned as X-DWC-Audit-Id'), occurred_at: dateTime(),
  actor: anyObject('who sent the command'), capability: str(), resource: anyObject('the namespace and workflow the command named'),
  auth_outcome: str('allowed or denied'), request_fingerprint: str(), runtime_target_id: nullable(str()),
  runtime_status: nullable(int('the target\'s HTTP status; null when it was not reached')), runtime_outcome: str(), duration_ms: int(),
}));

documentRoutes(ForwardingController, {
  forward: {
    summary: 'Forward a workflow command to the namespace\'s runtime target',
    description: 'Only /api/workflows… is forwarded, with the namespace\'s own X-Namespace; the answer (status and body) is the target\'s.',
    returns: anyObject('the runtime target\'s answer (its own contract)'),
    problems: [502, 504],
  },
});

documentRoutes(RuntimeCommandsController, {
  list: { summary: 'The command facts recorded for the namespace, newest first', returns: page('runtime_commands', CommandFacts) },
});
