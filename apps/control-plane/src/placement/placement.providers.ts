import { ConnectivityController } from '../connectivity/connectivity.controller';
import { ActivePlacements } from '../connectivity/active-placement';
import { RuntimeCredentials } from '../connectivity/runtime-credentials.service';
import { CommandFactsRecorder } from '../forwarding/command-facts-recorder';
import { ForwardingController } from '../forwarding/forwarding.controller';
import { ForwardingTargets } from '../forwarding/forwarding-target.query';
import { RuntimeCommandForwarder } from '../forwarding/runtime-command-forwarder';
import { RuntimeCommandsController } from '../forwarding/runtime-commands.controller';
import { CredentialCipher } from '../runtime-targets/credential-cipher';
import { PROBE_ROUND_HOOKS, RuntimeTargetProber } from '../runtime-targets/health-prober';
import { OperatorRuntimeTargetsController } from '../runtime-targets/operator-runtime-targets.controller';
import { runtimeClientProvider } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries } from '../runtime-targets/runtime-target.queries';
import { RuntimeTargetRegistration } from '../runtime-targets/runtime-target-registration';
import { RuntimeTargetsController } from '../runtime-targets/runtime-targets.controller';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { IngestTokenGuard } from '../usage-ingest/ingest-token.guard';
import { PlacementHistoryLookup } from '../usage-ingest/placement-history.lookup';
import { UsageCollector } from '../usage-ingest/usage-collector';
import { UsageCursors } from '../usage-ingest/usage-cursors';
import { UsageRecordsController } from '../usage-ingest/usage-records.controller';
import { NamespaceAccess } from './namespace-access';
import { NamespaceProvisioner } from './namespace-provisioner';
import { PlacementController } from './placement.controller';
import { PlacementService } from './placement.service';
import { RuntimeNamespaceClaims } from './runtime-namespace-claims';

/**
 * What the runtime-targets slice adds to the application module: inventory and its prober,
 * placement, forwarding with command facts, connectivity, and usage ingestion from targets.
 */
export const placementControllers = [
  RuntimeTargetsController, OperatorRuntimeTargetsController, PlacementController, ForwardingController, RuntimeCommandsController,
  ConnectivityController, UsageRecordsController,
];

export const placementProviders = [
  runtimeClientProvider, CredentialCipher, TargetCredentials, RuntimeTargetQueries, RuntimeTargetRegistration, RuntimeTargetProber,
  { provide: PROBE_ROUND_HOOKS, useFactory: (collector: UsageCollector) => [collector], inject: [UsageCollector] },
  NamespaceAccess, RuntimeNamespaceClaims, NamespaceProvisioner, PlacementService,
  ForwardingTargets, CommandFactsRecorder, RuntimeCommandForwarder,
  ActivePlacements, RuntimeCredentials,
  PlacementHistoryLookup, IngestTokenGuard, UsageCursors, UsageCollector,
];
