import { SimHttpError } from './errors';

export const CONTROL_PLANE_HEADER = 'X-Durable-Workflow-Control-Plane-Version';
export const CONTROL_PLANE_VERSION = '2';
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
export const NAMESPACE_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** 400 unless the request names control-plane version 2 exactly (surrounding spaces aside). */
export const checkControlPlaneVersion = (header: string | string[] | undefined): void => {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (value === CONTROL_PLANE_VERSION) return;
  if (value === '') {
    throw new SimHttpError(400, 'missing_control_plane_version', 'Missing control-plane version header.', {
      supported_version: CONTROL_PLANE_VERSION,
    });
  }
  throw new SimHttpError(400, 'unsupported_control_plane_version', 'Unsupported control-plane version.', {
    supported_version: CONTROL_PLANE_VERSION,
  });
};

/** X-Namespace, else `?namespace=`, else the fallback; always lower-cased, as the server does. */
export const requestedNamespace = (
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: Readonly<Record<string, unknown>>,
  fallback: string,
): string => {
  const header = headers['x-namespace'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = typeof query.namespace === 'string' ? query.namespace : undefined;
  return (fromHeader || fromQuery || fallback).toLowerCase();
};

/** Probes answer without auth or version and never echo the control-plane header. */
export const isProbePath = (path: string): boolean => path === '/api/health' || path === '/api/ready';
export const pathOf = (url: string): string => url.split('?')[0];
