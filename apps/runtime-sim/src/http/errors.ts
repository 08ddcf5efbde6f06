/** An error the runtime answers with `{message, reason, ...extra}` and the given status. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'SimHttpError';
  }

  body(): Record<string, unknown> {
    // Extras never override the error's own message and reason.
    const body: Record<string, unknown> = { message: this.message, reason: this.reason, ...this.extra };
    body.message = this.message;
    body.reason = this.reason;
    return body;
  }
}

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** 422 in the server's validation shape: `errors` and `validation_errors` carry the same map. */
export const validationFailed = (errors: FieldErrors): SimHttpError => {
  const messages = Object.values(errors).flat();
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more error${messages.length > 2 ? 's' : ''})` : '';
  return new SimHttpError(422, 'validation_failed', `${messages[0] ?? 'The given data was invalid.'}${more}`, {
    errors,
    validation_errors: errors,
  });
};

export const namespaceNotFound = (namespace: string): SimHttpError =>
  new SimHttpError(404, 'namespace_not_found', `Namespace '${namespace}' does not exist.`, {
    namespace,
    remediation: 'Register the namespace via POST /api/namespaces, or send an X-Namespace header naming an existing namespace.',
  });
