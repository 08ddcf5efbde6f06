import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { RuntimeTargetHealthStatus } from '../../../../libs/domain/placement/runtime-target/events';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { RuntimeClient } from '../../../../libs/runtime-client/src';
import { ControlPlaneConfig } from '../config/config';
import { DEFAULT_PROBE_INTERVAL_MS } from '../config/runtime-target-config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { RUNTIME_CLIENT } from './runtime-client.provider';
import { RuntimeTargetQueries, RuntimeTargetRow } from './runtime-target.queries';
import { ExecuteRuntimeTargetCommand } from './runtime-targets.commands';

/** Work that runs on the prober's schedule after each round of probes (the usage collector), on the targets found ready. */
export interface ProbeRoundHook {
  afterProbeRound(readyTargets: readonly RuntimeTargetRow[]): Promise<void>;
}
export const PROBE_ROUND_HOOKS = Symbol('ProbeRoundHooks');

export const systemContext = (organizationId: string | null, actorId: string): CommandContext => {
  const id = randomUUID();
  return { command_id: id, organization_id: organizationId, actor: { id: actorId, kind: 'system' }, request_id: id, correlation_id: id, now: new Date().toISOString() };
};

/**
 * Probes every runtime target's readiness (`GET /api/ready`) on an interval and records a
 * `RuntimeTargetHealthChanged` only when a target's status changes. The last status seen is kept
 * in memory (seeded from the read model), so a steady target costs no write per probe. Rounds
 * never overlap; a slow target delays only its own probe (each has the runtime timeout).
 */
@Injectable()
export class RuntimeTargetProber implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RuntimeTargetProber');
  private readonly lastSeen = new Map<string, RuntimeTargetHealthStatus>();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly queries: RuntimeTargetQueries,
    @Inject(PROBE_ROUND_HOOKS) private readonly hooks: readonly ProbeRoundHook[],
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    if (interval <= 0) return;
    this.timer = setInterval(() => void this.runRound(), interval);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** One round now (also what the timer calls); a round already running is joined, not doubled. */
  runRound(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= this.probeAll().catch((error) => this.logger.error({ err: error }, 'probe round failed')).finally(() => { this.round = null; });
    return this.round;
  }

  private async probeAll(): Promise<void> {
    const targets = await this.queries.all();
    const ready = await Promise.all(targets.map((target) => this.probe(target)));
    const readyTargets = targets.filter((_, i) => ready[i]);
    for (const hook of this.hooks) {
      if (this.stopped) return;
      await hook.afterProbeRound(readyTargets).catch((error) => this.logger.error({ err: error }, 'after-probe work failed'));
    }
  }

  /** Probes one target, records a change of its status, and answers whether it is ready. */
  private async probe(target: RuntimeTargetRow): Promise<boolean> {
    const result = await this.client.ready(target.base_url);
    const status = result.ready ? 'healthy' : 'unhealthy';
    const known = this.lastSeen.get(target.id) ?? (target.health_status as RuntimeTargetHealthStatus);
    if (known === status || this.stopped) return result.ready;
    try {
      await this.commands.execute(new ExecuteRuntimeTargetCommand(target.organization_id, target.id, {
        type: 'RecordRuntimeTargetHealth', data: { status, detail: result.detail }, context: systemContext(target.organization_id, 'runtime-target-prober'),
      }));
      this.lastSeen.set(target.id, status);
    } catch (error) {
      this.logger.error({ err: error, runtime_target_id: target.id }, 'could not record a health change');
    }
    return result.ready;
  }
}
