import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProcessRunner } from '../../../../libs/process-manager/src/process-runner';
import { ControlPlaneConfig } from '../config/config';
import { PROCESS_DEFAULTS } from '../config/process-config';
import { Platform } from '../platform/platform';
import { crashPoint } from '../platform/crash-point';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { allProcesses } from './all-processes';
import { ProcessEffects } from './process-effects';
import { replicationSaga } from '../../../../libs/domain/replication/replication-saga/process';
import { ReplicationEffects } from '../replication/replication-effects';
import { loadReplicationConfig } from '../replication/replication.config';

/**
 * Owns the process runner of this replica: migrated and started with the application (when processes
 * run embedded), stopped with it. Requests that start a process wait on it through `runner`.
 */
@Injectable()
export class Processes implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runner: ProcessRunner;
  private readonly logger = new Logger('Processes');

  constructor(@Inject(PLATFORM) platform: Platform, @Inject(CONFIG) private readonly config: ControlPlaneConfig, effects: ProcessEffects,
    replication: ReplicationEffects) {
    const saga = replicationSaga({ checkIntervalMs: loadReplicationConfig().checkIntervalMs });
    this.runner = new ProcessRunner(platform.store, platform.storage.db, [...allProcesses, saga], { ...effects.executors(), ...replication.executors() }, {
      leases: platform.leases,
      pollIntervalMs: config.processPollMs ?? PROCESS_DEFAULTS.processPollMs,
      onStep: crashPoint,
      logger: { info: (obj, msg) => this.logger.log({ ...obj, msg }), error: (obj, msg) => this.logger.error({ ...obj, msg }) },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.migrate();
    if (this.config.embeddedProcesses ?? PROCESS_DEFAULTS.embeddedProcesses) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
