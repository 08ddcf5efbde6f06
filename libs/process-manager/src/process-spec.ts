import { ProcessDefinition, ProcessInput, ProcessOutput } from './process';

/**
 * Given inputs / when input / then outputs: a process is specced like a decider. The given inputs are
 * folded with the outputs the process decided for each, as the runner records them.
 */
export const processSpec = <S>(definition: ProcessDefinition<S>) => (given: readonly ProcessInput[]) => {
  let state = definition.initialState();
  for (const input of given) {
    const outputs = definition.decide(input, state);
    state = [input, ...outputs].reduce(definition.evolve, state);
  }
  return {
    state,
    when: (input: ProcessInput) => ({ then: (expected: readonly ProcessOutput[]) => expect(definition.decide(input, state)).toEqual(expected) }),
  };
};

const AT = '2026-05-01T00:00:00.000Z';

export const eventInput = (type: string, data: unknown, event_id = 'evt-1', stream_id = 'stream-1'): ProcessInput =>
  ({ kind: 'event', type, data, event_id, stream_id, position: '10.1', organization_id: 'org_test', at: AT });
export const succeeded = (step: string, effect: string, result: unknown = null, attempts = 1): ProcessInput =>
  ({ kind: 'effect_succeeded', step, effect, result, attempts, at: AT });
export const failed = (step: string, effect: string, message = 'refused', code?: string): ProcessInput =>
  ({ kind: 'effect_failed', step, effect, error: { message, final: true, ...(code ? { code } : {}) }, attempts: 3, at: AT });
export const timerFired = (step: string): ProcessInput => ({ kind: 'timer_fired', step, at: AT });
