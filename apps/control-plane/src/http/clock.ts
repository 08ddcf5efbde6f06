/**
 * The instant "now" of the control plane: the system clock in production, a clock a test moves by
 * hand when it checks expiry, grace periods or usage windows (ControlPlaneConfig.clock). A request
 * carries the clock it was received under, so commands, authentication and ingestion agree on it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The clock of the request (set by the onRequest hook in create-app.ts), else the system clock. */
export const clockOf = (request: { clock?: Clock }): Clock => request.clock ?? systemClock;
