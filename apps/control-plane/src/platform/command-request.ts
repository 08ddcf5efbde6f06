/**
 * What a caller puts on the command bus: the domain command less the facts only its handler can look
 * up (from the streams, at the moment it decides). Callers leave those out instead of sending
 * placeholders the handler would overwrite.
 */
export type CommandRequest<C extends { readonly type: string; readonly data: unknown }, T extends C['type'], K extends PropertyKey> =
  C extends { readonly type: T; readonly data: infer D } ? Omit<C, 'data'> & { readonly data: Omit<D, K> } : C;
