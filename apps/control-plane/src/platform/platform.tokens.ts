export const PLATFORM = Symbol('Platform');
export const CONFIG = Symbol('ControlPlaneConfig');
