import { assertNever, Decider } from '../shared/decider';
import { invalid } from '../shared/errors';
import { RuntimeCommandCommand } from './commands';
import { RecordForwardedCommand, RecordRefusedCommand } from './commands';
import { AUTH_OUTCOMES, RuntimeCommandAccepted, RuntimeCommandEvent, RuntimeCommandFacts } from './events';
import { FINGERPRINT_PATTERN } from './fingerprint';

export type RuntimeCommandState =
  | { readonly status: 'absent' }
  | { readonly status: 'accepted'; readonly audit_id: string }
  | { readonly status: 'recorded'; readonly audit_id: string };

const AUDIT_ID = /^[\w.:-]{1,128}$/;

function checkFacts(command: RecordForwardedCommand | RecordRefusedCommand): RuntimeCommandFacts {
  const organization_id = command.context.organization_id;
  if (!organization_id) throw invalid('command facts belong to an organization');
  const d = command.data;
  if (!AUDIT_ID.test(d.audit_id)) throw invalid('audit_id is malformed', 'audit_id');
  if (!FINGERPRINT_PATTERN.test(d.request_fingerprint)) throw invalid('request_fingerprint must be sha256: and 64 hex digits', 'request_fingerprint');
  if (!AUTH_OUTCOMES.includes(d.auth_outcome)) throw invalid('auth_outcome is not an outcome', 'auth_outcome');
  if (!Number.isFinite(d.duration_ms) || d.duration_ms < 0) throw invalid('duration_ms must be a non-negative number', 'duration_ms');
  if (d.runtime_status !== null && (!Number.isInteger(d.runtime_status) || d.runtime_status < 100 || d.runtime_status > 599)) {
    throw invalid('runtime_status must be an HTTP status or null', 'runtime_status');
  }
  return { ...d, organization_id, duration_ms: Math.round(d.duration_ms * 1000) / 1000, occurred_at: command.context.now };
}

/**
 * Command facts are observations: one outcome per audit id, optionally preceded by its acceptance.
 * Recording the same audit id again (a retried append) changes nothing. A forwarded command was
 * allowed by definition; a refused one was not forwarded, so it has no runtime status.
 */
export const runtimeCommandDecider: Decider<RuntimeCommandState, RuntimeCommandCommand, RuntimeCommandEvent | RuntimeCommandAccepted> = Object.freeze({
  initialState: (): RuntimeCommandState => ({ status: 'absent' }),

  decide(command: RuntimeCommandCommand, state: RuntimeCommandState): readonly (RuntimeCommandEvent | RuntimeCommandAccepted)[] {
    if (state.status === 'recorded') return [];
    if (command.type === 'RecordAcceptedCommand') {
      if (state.status === 'accepted') return [];
      const organization_id = command.context.organization_id;
      if (!organization_id) throw invalid('command facts belong to an organization');
      const d = command.data;
      if (!AUDIT_ID.test(d.audit_id)) throw invalid('audit_id is malformed', 'audit_id');
      if (!FINGERPRINT_PATTERN.test(d.request_fingerprint)) throw invalid('request_fingerprint must be sha256: and 64 hex digits', 'request_fingerprint');
      if (d.runtime_target_id === null) throw invalid('an accepted command names its runtime target', 'runtime_target_id');
      return [{ type: 'RuntimeCommandAccepted', data: { ...d, organization_id, accepted_at: command.context.now } }];
    }
    const facts = checkFacts(command);
    if (state.status === 'accepted' && facts.audit_id !== state.audit_id) throw invalid('the outcome belongs to another command', 'audit_id');
    switch (command.type) {
      case 'RecordForwardedCommand':
        if (facts.auth_outcome !== 'allowed') throw invalid('a forwarded command was allowed', 'auth_outcome');
        if (facts.runtime_target_id === null) throw invalid('a forwarded command names its runtime target', 'runtime_target_id');
        return [{ type: 'RuntimeCommandForwarded', data: facts }];
      case 'RecordRefusedCommand': {
        const { status, reason } = command.data;
        if (facts.runtime_status !== null) throw invalid('a refused command never reached the runtime', 'runtime_status');
        if (!Number.isInteger(status) || status < 400 || status > 599) throw invalid('status must be the 4xx or 5xx Cloud answered', 'status');
        return [{ type: 'RuntimeCommandRefused', data: { ...facts, status, reason } }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(_state: RuntimeCommandState, event: RuntimeCommandEvent | RuntimeCommandAccepted): RuntimeCommandState {
    return { status: event.type === 'RuntimeCommandAccepted' ? 'accepted' : 'recorded', audit_id: event.data.audit_id };
  },
});
