import { createPublicKey, verify } from 'node:crypto';
import { assertNever, Decider } from '../../shared/decider';
import { invalid } from '../../shared/errors';
import { DomainCommand } from '../../shared/event';
import { AuditCheckpoint, AuditCheckpointSigned, checkpointPayload } from './events';

/** The handler signs (it holds the key); the decider checks the signature against the public key it is given. */
export type RecordAuditCheckpoint = DomainCommand<'RecordAuditCheckpoint', Omit<AuditCheckpoint, 'organization_id' | 'signed_at'> & {
  readonly public_key_pem: string;
}>;

export type AuditCheckpointState = { readonly status: 'absent' } | { readonly status: 'signed'; readonly checkpoint: AuditCheckpoint };

const POSITION = /^(-1|0|[1-9][0-9]{0,18})\.(-1|0|[1-9][0-9]{0,18})$/;
const HASH = /^[0-9a-f]{64}$/;

export const auditCheckpointDecider: Decider<AuditCheckpointState, RecordAuditCheckpoint, AuditCheckpointSigned> = Object.freeze({
  initialState: (): AuditCheckpointState => ({ status: 'absent' }),

  decide(command: RecordAuditCheckpoint, state: AuditCheckpointState): readonly AuditCheckpointSigned[] {
    switch (command.type) {
      case 'RecordAuditCheckpoint': {
        if (state.status === 'signed') return [];
        const organization_id = command.context.organization_id;
        if (!organization_id) throw invalid('a checkpoint belongs to an organization', 'organization_id');
        const { public_key_pem, ...d } = command.data;
        if (!POSITION.test(d.position)) throw invalid('position must be <commit>.<prepare>', 'position');
        if (!Number.isSafeInteger(d.entries) || d.entries < 1) throw invalid('entries must be a positive count', 'entries');
        if (!HASH.test(d.head_hash)) throw invalid('head_hash must be 64 hex digits', 'head_hash');
        if (d.algorithm !== 'Ed25519') throw invalid('only Ed25519 checkpoints are recorded', 'algorithm');
        const checkpoint: AuditCheckpoint = { ...d, organization_id, signed_at: command.context.now };
        const valid = verify(null, checkpointPayload(checkpoint), createPublicKey(public_key_pem), Buffer.from(d.signature, 'base64'));
        if (!valid) throw invalid('the signature does not verify with the signing key', 'signature');
        return [{ type: 'AuditCheckpointSigned', data: checkpoint }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve: (_state: AuditCheckpointState, event: AuditCheckpointSigned): AuditCheckpointState => ({ status: 'signed', checkpoint: event.data }),
});
