import { Decider, fold } from './decider';
import { DomainCommand, DomainEvent } from './event';
import { DomainError } from './errors';

/** Given events / when command / then events or error: the one shape of every decider test. */
export const specFor = <S, C extends DomainCommand, E extends DomainEvent>(decider: Decider<S, C, E>) =>
  (given: readonly E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, given));
      return {
        then: (expected: readonly E[]) => expect(run()).toEqual(expected),
        thenFails: (code: DomainError['code'], messagePart?: string | RegExp) => {
          let error: unknown;
          try { run(); } catch (caught) { error = caught; }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (messagePart) expect((error as DomainError).message).toMatch(messagePart);
        },
      };
    },
  });

export const testContext = (overrides: Partial<DomainCommand['context']> = {}): DomainCommand['context'] => ({
  command_id: 'cmd-1',
  organization_id: 'org_test',
  actor: { id: 'usr_owner', kind: 'user' },
  request_id: 'req-1',
  correlation_id: 'corr-1',
  now: '2026-05-01T00:00:00.000Z',
  ...overrides,
});
