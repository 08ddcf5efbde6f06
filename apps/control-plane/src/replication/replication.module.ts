import { Global, Module } from '@nestjs/common';
import { PlacementModule } from '../placement/placement.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { replicationControllers, replicationProviders } from './replication.providers';
import './replication.openapi';

/**
 * Replication: primary/secondary pairs, the failover/failback saga's effects, and the routing every
 * forward and connection reads. Global: forwarding and connectivity ask it for the current primary.
 */
@Global()
@Module({
  imports: [PlacementModule, TenancyModule],
  controllers: replicationControllers,
  providers: replicationProviders,
  exports: replicationProviders,
})
export class ReplicationModule {}
