import { eventInput, failed, processSpec, succeeded, timerFired } from '../../../process-manager/src/process-spec';
import { runtimeCredentialIssuance } from './process';

const given = processSpec(runtimeCredentialIssuance);
const requested = eventInput('RuntimeCredentialRequested', { credential_id: 'rcr_1', runtime_target_id: 'rt_a', abandon_at: '2026-05-01T00:01:00.000Z' });
const issued = eventInput('RuntimeCredentialIssued', { credential_id: 'rcr_1' }, 'evt-2');
const abandoned = eventInput('RuntimeCredentialAbandoned', { credential_id: 'rcr_1' }, 'evt-3');

describe('runtime credential issuance', () => {
  it('waits for the outcome until the intent says to give up', () => {
    given([]).when(requested).then([{ kind: 'timer', step: 'abandon', at: '2026-05-01T00:01:00.000Z' }]);
  });

  it('ends when the outcome is recorded', () => {
    given([requested]).when(issued).then([{ kind: 'cancel_timer', step: 'abandon' }, { kind: 'complete' }]);
  });

  it('records the request abandoned when no outcome came in time', () => {
    given([requested]).when(timerFired('abandon')).then([
      { kind: 'effect', step: 'abandon', effect: 'abandon_runtime_credential', params: { credential_id: 'rcr_1', reason: 'no outcome was recorded in time' } },
    ]);
  });

  it('revokes on the target whatever an abandoned request may have created, then ends', () => {
    given([requested, timerFired('abandon'), succeeded('abandon', 'abandon_runtime_credential')]).when(abandoned).then([
      { kind: 'cancel_timer', step: 'abandon' },
      { kind: 'effect', step: 'revoke', effect: 'revoke_runtime_credential_on_target', params: { credential_id: 'rcr_1', runtime_target_id: 'rt_a' } },
    ]);
    given([requested, abandoned]).when(succeeded('revoke', 'revoke_runtime_credential_on_target')).then([{ kind: 'complete' }]);
    given([requested, abandoned]).when(failed('revoke', 'revoke_runtime_credential_on_target', 'unreachable')).then([
      { kind: 'fail', reason: 'could not revoke on the target: unreachable' },
    ]);
  });

  it('does nothing once issued, even if a late timer fires', () => {
    given([requested, issued]).when(timerFired('abandon')).then([]);
  });
});
