import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { sql } from 'kysely';
import { AuditCheckpointState } from '../../../../libs/domain/audit/checkpoints/decider';
import { AuditCheckpoint, checkpointPayload } from '../../../../libs/domain/audit/checkpoints/events';
import { auditKeyId } from '../../../../libs/domain/audit/signing-keys/key-id';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { GlobalPosition, HandledCommand } from '../../../../libs/event-store/src';
import { ControlPlaneConfig } from '../config/config';
import { DEFAULT_AUDIT_CHECKPOINT_INTERVAL_MS } from '../config/audit-config';
import { Platform } from '../platform/platform';
import { ExecuteAuditCheckpointCommand, ExecuteAuditSigningKeyCommand } from './audit.commands';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { systemContext } from '../runtime-targets/health-prober';

/** The newest entry of an organization's chain, as the audit-log read model holds it. */
export interface ChainHead {
  readonly organization_id: string;
  readonly entries: number;
  readonly position: string;
  readonly hash: string;
  readonly action: string;
}

export interface SignedCheckpoint {
  readonly checkpoint: AuditCheckpoint;
  /** Where the checkpoint event landed (null when this head was signed before with this key). */
  readonly position: GlobalPosition | null;
}

/**
 * Signs organizations' audit chain heads with the control plane's Ed25519 key: on demand and on an
 * interval (only heads that moved since their last checkpoint; a head that is itself a checkpoint is
 * not signed again). On start it makes its key the active one, recorded as events (rotation retires
 * the previous key).
 */
@Injectable()
export class AuditSigner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditSigner');
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private registered: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly commands: CommandBus,
  ) {
    if (!config.auditSigningKeyPem) this.logger.warn('no audit signing key configured: using a key for this process only; set DWC_AUDIT_SIGNING_KEY');
    this.privateKey = config.auditSigningKeyPem ? createPrivateKey(config.auditSigningKeyPem) : generateKeyPairSync('ed25519').privateKey;
    const publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = auditKeyId(publicKey);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureRegistered();
    const interval = this.config.auditCheckpointIntervalMs ?? DEFAULT_AUDIT_CHECKPOINT_INTERVAL_MS;
    if (interval <= 0) return;
    this.timer = setInterval(() => void this.signMovedHeads(), interval);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** Records this process's key as the active signing key (once; replicas with the same key append it once). */
  ensureRegistered(): Promise<void> {
    this.registered ??= this.commands.execute(new ExecuteAuditSigningKeyCommand({
      type: 'UseAuditSigningKey', data: { key_id: this.keyId, public_key_pem: this.publicKeyPem },
      context: { ...systemContext(null, 'audit-signer'), command_id: `audit-signing-key:${this.keyId}` },
    })).then(() => undefined, (error) => { this.registered = null; throw error; });
    return this.registered;
  }

  async head(organizationId: string): Promise<ChainHead | null> {
    const rows = await this.heads(sql`h.organization_id = ${organizationId}`);
    return rows[0] ?? null;
  }

  /** Signs the organization's current chain head now; null when its chain is still empty. */
  async signHead(organizationId: string, context: CommandContext): Promise<SignedCheckpoint | null> {
    await this.ensureRegistered();
    const head = await this.head(organizationId);
    if (!head) return null;
    const signedAt = context.now;
    const unsigned = { organization_id: organizationId, position: head.position, entries: head.entries, head_hash: head.hash, signed_at: signedAt, key_id: this.keyId };
    const signature = sign(null, checkpointPayload(unsigned), this.privateKey).toString('base64');
    const result: HandledCommand<AuditCheckpointState, unknown> = await this.commands.execute(new ExecuteAuditCheckpointCommand(organizationId, head.position, this.keyId, {
      type: 'RecordAuditCheckpoint',
      data: { position: head.position, entries: head.entries, head_hash: head.hash, key_id: this.keyId, algorithm: 'Ed25519', signature, public_key_pem: this.publicKeyPem },
      context: { ...context, organization_id: organizationId },
    }));
    if (result.state.status !== 'signed') throw new Error('the checkpoint was not recorded');
    return { checkpoint: result.state.checkpoint, position: result.position };
  }

  /** One round of the timer: every organization whose head moved since its last checkpoint by this key. */
  signMovedHeads(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= (async () => {
      const moved = await this.heads(sql`h.action <> 'AuditCheckpointSigned' and not exists (
        select 1 from audit_checkpoints c where c.organization_id = h.organization_id and c.key_id = ${this.keyId}
          and (c.commit_position, c.prepare_position) >= (h.commit_position, h.prepare_position))`);
      for (const head of moved) {
        if (this.stopped) return;
        await this.signHead(head.organization_id, systemContext(head.organization_id, 'audit-signer'));
      }
    })().catch((error) => this.logger.error({ err: error }, 'audit checkpoint round failed')).finally(() => { this.round = null; });
    return this.round;
  }

  /** Chain heads (one statement, so the count and the newest row agree). */
  private async heads(where: ReturnType<typeof sql>): Promise<ChainHead[]> {
    const result = await sql<{ organization_id: string; entries: bigint; commit_position: bigint; prepare_position: bigint; hash: string; action: string }>`
      select * from (
        select h.organization_id, h.entries, l.commit_position, l.prepare_position, l.hash, l.action
        from audit_chain_heads h cross join lateral (
          select commit_position, prepare_position, hash, action from audit_log a
          where a.organization_id = h.organization_id order by commit_position desc, prepare_position desc limit 1) l
      ) h where ${where}`.execute(this.platform.storage.db);
    return result.rows.map((r) => ({
      organization_id: r.organization_id, entries: Number(r.entries), position: `${r.commit_position}.${r.prepare_position}`, hash: r.hash, action: r.action,
    }));
  }
}
