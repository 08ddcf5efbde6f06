export * from './runtime-client';
export * from './cluster-info';
export * from './errors';
export * from './forward';
export * from './assumed-contract';
export type { RequestContext } from './control-plane-caller';
export { CONTROL_PLANE_HEADER, CONTROL_PLANE_VERSION, isSupportedControlPlaneVersion } from './control-plane-protocol';
