import { createHash } from 'node:crypto';

/** A UUID (v8 layout) derived from the command id and the event's index, so retries produce the same ids. */
export function deterministicEventId(commandId: string, index: number): string {
  const hex = createHash('sha256').update(`${commandId}\u0000${index}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
