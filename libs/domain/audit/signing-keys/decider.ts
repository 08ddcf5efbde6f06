import { assertNever, Decider } from '../../shared/decider';
import { invalid } from '../../shared/errors';
import { DomainCommand } from '../../shared/event';
import { nowOf } from '../../identity/roles';
import { AuditSigningKeyEvent } from './events';

/** The key this process signs with becomes the active one (registering it, retiring the one before). */
export type UseAuditSigningKey = DomainCommand<'UseAuditSigningKey', {
  readonly key_id: string;
  readonly public_key_pem: string;
}>;

export interface AuditSigningKeysState {
  readonly active: string | null;
  readonly known: ReadonlySet<string>;
}

const KEY_ID = /^[0-9a-f]{16}$/;
const PEM = /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n?$/;

/**
 * Rotation as events: using a new key retires the active one and registers the new one; using the
 * active key again changes nothing. A retired key is never reactivated (a new key id is needed).
 */
export const auditSigningKeysDecider: Decider<AuditSigningKeysState, UseAuditSigningKey, AuditSigningKeyEvent> = Object.freeze({
  initialState: (): AuditSigningKeysState => ({ active: null, known: new Set<string>() }),

  decide(command: UseAuditSigningKey, state: AuditSigningKeysState): readonly AuditSigningKeyEvent[] {
    switch (command.type) {
      case 'UseAuditSigningKey': {
        const { key_id, public_key_pem } = command.data;
        if (!KEY_ID.test(key_id)) throw invalid('key_id must be 16 hex digits', 'key_id');
        if (!PEM.test(public_key_pem)) throw invalid('public_key_pem must be an SPKI PEM public key', 'public_key_pem');
        if (state.active === key_id) return [];
        if (state.known.has(key_id)) throw invalid(`signing key ${key_id} was retired; configure a new key`, 'key_id');
        const at = new Date(nowOf(command.context)).toISOString();
        const retire: AuditSigningKeyEvent[] = state.active === null ? [] : [{ type: 'AuditSigningKeyRetired', data: { key_id: state.active, replaced_by: key_id, retired_at: at } }];
        return [...retire, { type: 'AuditSigningKeyRegistered', data: { key_id, algorithm: 'Ed25519', public_key_pem, registered_at: at } }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state: AuditSigningKeysState, event: AuditSigningKeyEvent): AuditSigningKeysState {
    switch (event.type) {
      case 'AuditSigningKeyRegistered':
        return { active: event.data.key_id, known: new Set([...state.known, event.data.key_id]) };
      case 'AuditSigningKeyRetired':
        return { ...state, active: state.active === event.data.key_id ? null : state.active };
      default:
        return assertNever(event);
    }
  },
});
