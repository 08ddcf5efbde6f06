const OUTCOME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The runtime command outcome: the runtime's own `outcome` field (`started_new`, `signal_received`,
 * …) when its JSON answer has one, else the status class.
 */
export function runtimeOutcomeOf(status: number, contentType: string, body: Buffer): string {
  if (/json/i.test(contentType) && body.length > 0 && body.length < 1_048_576) {
    try {
      const outcome = (JSON.parse(body.toString('utf8')) as { outcome?: unknown } | null)?.outcome;
      if (typeof outcome === 'string' && OUTCOME.test(outcome)) return outcome;
    } catch {
      // not JSON after all: fall back to the status class
    }
  }
  return status < 300 ? 'completed' : status < 500 ? 'rejected' : 'failed';
}
