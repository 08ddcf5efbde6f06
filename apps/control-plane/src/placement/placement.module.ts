import { forwardRef, Module } from '@nestjs/common';
import { ActivePlacements } from '../connectivity/active-placement';
import { ConnectivityController } from '../connectivity/connectivity.controller';
import { RuntimeCredentials } from '../connectivity/runtime-credentials.service';
import { CredentialCipher } from '../runtime-targets/credential-cipher';
import { OperatorRuntimeTargetsController } from '../runtime-targets/operator-runtime-targets.controller';
import { RUNTIME_CLIENT, runtimeClientProvider } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries } from '../runtime-targets/runtime-target.queries';
import { RuntimeTargetRegistration } from '../runtime-targets/runtime-target-registration';
import { RuntimeTargetCommandHandler } from '../runtime-targets/runtime-targets.commands';
import { RuntimeTargetsController } from '../runtime-targets/runtime-targets.controller';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { TenancyModule } from '../tenancy/tenancy.module';
import { NamespaceAccess } from './namespace-access';
import { placementCommandHandlers } from './placement.commands';
import { PlacementController } from './placement.controller';
import { PlacementService } from './placement.service';
import { RuntimeNamespaceClaims } from './runtime-namespace-claims';
import './placement.openapi';

/**
 * Placement: the runtime-target inventory (runtime-targets/), which target serves each namespace
 * (placement/), and the connection details and runtime credentials customers' workers use (connectivity/).
 * Forwarding and usage ingestion reach runtime targets through what this module exports.
 */
@Module({
  imports: [forwardRef(() => TenancyModule)],
  controllers: [RuntimeTargetsController, OperatorRuntimeTargetsController, PlacementController, ConnectivityController],
  providers: [
    runtimeClientProvider, CredentialCipher, TargetCredentials, RuntimeTargetQueries, RuntimeTargetRegistration, RuntimeTargetCommandHandler,
    NamespaceAccess, RuntimeNamespaceClaims, PlacementService, ...placementCommandHandlers,
    ActivePlacements, RuntimeCredentials,
  ],
  exports: [RUNTIME_CLIENT, TargetCredentials, RuntimeTargetQueries, NamespaceAccess, PlacementService, RuntimeNamespaceClaims, ActivePlacements],
})
export class PlacementModule {}
