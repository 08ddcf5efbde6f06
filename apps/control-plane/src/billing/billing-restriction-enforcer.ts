import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { sql } from 'kysely';
import { deterministicEventId, ExpectedRevision, metadataFor, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { isRuntimeClientError, RuntimeClient } from '../../../../libs/runtime-client/src';
import { ControlPlaneConfig } from '../config/config';
import { DEFAULT_PROBE_INTERVAL_MS } from '../config/runtime-target-config';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { systemContext } from '../runtime-targets/health-prober';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { TargetCredentials } from '../runtime-targets/target-credentials';

/** Recorded (audit log) each time a runtime credential is suspended on, or restored to, its target. */
export const RUNTIME_CREDENTIAL_SUSPENDED = 'RuntimeCredentialSuspendedForBilling';
export const RUNTIME_CREDENTIAL_RESTORED = 'RuntimeCredentialRestoredAfterBilling';
export const billingEnforcementStream = (organizationId: string) => `billing_enforcement-${organizationId}`;

interface Drift {
  readonly credential_id: string;
  readonly organization_id: string;
  readonly runtime_target_id: string;
  readonly base_url: string;
  readonly credential: string;
  readonly desired: 'suspended' | 'active';
}

/**
 * A billing restriction reaches the runtime targets: every live `dwr_` credential of a restricted
 * organization is suspended on its target, and restored when the restriction is lifted. Driven by
 * reconciliation, not by a one-shot reaction, so a crash at any step is repaired: each tick compares
 * what the events say (organization restricted or not) with what was last applied to the target
 * (`runtime_credential_enforcement`), calls the target (idempotent), records the outcome as an
 * event (audited, id derived from credential and step, so never doubled), then notes it as applied.
 * A crash before the note just repeats the idempotent call on the next tick.
 */
@Injectable()
export class BillingRestrictionEnforcer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BillingRestrictionEnforcer');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly revisions = new Map<string, bigint>();

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly credentials: TargetCredentials,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    if (interval <= 0) return;
    this.timer = setInterval(() => void this.reconcile(), interval);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass now (joined if one is running); answers how many credentials were brought in line. */
  reconcile(): Promise<number> {
    this.running ??= this.pass().catch((error) => {
      this.logger.error({ err: error }, 'billing restriction reconciliation failed; retried next tick');
      return 0;
    }).finally(() => { this.running = null; });
    return this.running;
  }

  private async pass(): Promise<number> {
    const drifts = await sql<Drift>`
      select c.id as credential_id, c.organization_id, c.runtime_target_id, t.base_url, t.credential,
        case when o.billing_restricted then 'suspended' else 'active' end as desired
      from runtime_credentials c
      join organizations o on o.id = c.organization_id
      join runtime_targets t on t.id = c.runtime_target_id
      left join runtime_credential_enforcement e on e.credential_id = c.id
      where c.state <> 'revoked'
        and coalesce(e.applied, 'active') <> case when o.billing_restricted then 'suspended' else 'active' end
      order by c.organization_id, c.id`.execute(this.platform.storage.db);
    let done = 0;
    for (const drift of drifts.rows) {
      try {
        await this.apply(drift);
        done += 1;
      } catch (error) {
        this.logger.warn({ err: error, credential_id: drift.credential_id }, 'could not bring a runtime credential in line with billing; retried next tick');
      }
    }
    return done;
  }

  private async apply(drift: Drift): Promise<void> {
    const suspend = drift.desired === 'suspended';
    try {
      await this.client.setCredentialSuspended(drift.base_url, this.credentials.open({ id: drift.runtime_target_id, credential: drift.credential }),
        drift.credential_id, suspend);
    } catch (error) {
      // Gone from the target (revoked there, target rebuilt): nothing can authenticate with it either way.
      if (!(isRuntimeClientError(error, 'http') && error.status === 404)) throw error;
    }
    const step = await this.appliedSteps(drift.credential_id);
    await this.record(drift, suspend, step);
    await this.platform.storage.db.insertInto('runtime_credential_enforcement')
      .values({ credential_id: drift.credential_id, organization_id: drift.organization_id, applied: drift.desired, steps: step + 1 })
      .onConflict((oc) => oc.column('credential_id').doUpdateSet({ applied: drift.desired, steps: step + 1, updated_at: sql`now()` }))
      .execute();
  }

  private async appliedSteps(credentialId: string): Promise<number> {
    const row = await this.platform.storage.db.selectFrom('runtime_credential_enforcement').select('steps')
      .where('credential_id', '=', credentialId).executeTakeFirst();
    return row?.steps ?? 0;
  }

  /** The audit record; its id is the credential's step number, so a step repeated after a crash is recognised. */
  private async record(drift: Drift, suspend: boolean, step: number): Promise<void> {
    const context = systemContext(drift.organization_id, 'billing-restriction-enforcer');
    const stream = billingEnforcementStream(drift.organization_id);
    const event = {
      id: deterministicEventId(`billing-enforcement:${drift.credential_id}:${step}`, 0),
      type: suspend ? RUNTIME_CREDENTIAL_SUSPENDED : RUNTIME_CREDENTIAL_RESTORED,
      data: { organization_id: drift.organization_id, credential_id: drift.credential_id, runtime_target_id: drift.runtime_target_id, at: context.now },
      metadata: metadataFor(context),
    };
    for (;;) {
      const known = this.revisions.get(stream);
      const expected: ExpectedRevision = known === undefined || known < 0n ? 'no_stream' : known;
      try {
        this.revisions.set(stream, (await this.platform.store.append(stream, [event], expected)).nextExpectedRevision);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        this.revisions.set(stream, error.actual);
      }
    }
  }
}
