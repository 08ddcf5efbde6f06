/** The published control-plane protocol facts Cloud relies on. */

export const CONTROL_PLANE_HEADER = 'X-Durable-Workflow-Control-Plane-Version';
export const CONTROL_PLANE_VERSION = '2';

/**
 * Servers send the version as a string ("2") while the published JSON schema types it as an
 * integer: both mean version 2. Anything else, "2.0" included, is another protocol.
 */
export const isSupportedControlPlaneVersion = (version: unknown): boolean =>
  (typeof version === 'string' && version.trim() === CONTROL_PLANE_VERSION) || version === 2;

/** The headers every control-plane call from Cloud carries. */
export const controlPlaneHeaders = (credential: string, context: { namespace?: string; requestId: string; correlationId?: string }): Record<string, string> => {
  const headers: Record<string, string> = {
    authorization: `Bearer ${credential}`,
    [CONTROL_PLANE_HEADER]: CONTROL_PLANE_VERSION,
    'x-request-id': context.requestId,
    accept: 'application/json',
  };
  if (context.namespace !== undefined) headers['x-namespace'] = context.namespace;
  if (context.correlationId !== undefined) headers['x-correlation-id'] = context.correlationId;
  return headers;
};
