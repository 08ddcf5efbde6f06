import { ReplicationCommandHandler } from './replication.commands';
import { ReplicationController } from './replication.controller';
import { ReplicationEffects } from './replication-effects';
import { ReplicationEventStream } from './replication-events';
import { ReplicationRouting } from './replication-routing';
import { ReplicationService } from './replication.service';

/** What multi-region replication adds to the application module. */
export const replicationControllers = [ReplicationController];
export const replicationProviders = [ReplicationCommandHandler, ReplicationEffects, ReplicationService, ReplicationEventStream, ReplicationRouting];
