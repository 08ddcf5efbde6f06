import { documentRoutes } from '../openapi/operations';
import { anyObject, obj, oneOf } from '../openapi/schema';
import { HealthController } from './health.controller';

documentRoutes(HealthController, {
  live: { summary: 'Liveness: the process answers', returns: obj({ status: oneOf('ok') }) },
  ready: { summary: 'Readiness: storage reachable and every projector running', returns: anyObject('the terminus health report') },
});
