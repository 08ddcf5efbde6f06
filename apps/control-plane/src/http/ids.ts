import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `prefix_` + 26 Crockford base32 characters: 48 bits of time (sortable) + 80 bits of randomness. */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i] % 32];
  return `${prefix}_${time}${random}`;
}

/**
 * An id of the same shape derived from a seed (a command id and a step): a retried multi-step command
 * creates the same organization, owner and key, never a second set.
 */
export function derivedId(prefix: string, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let body = '';
  for (let i = 0; i < 26; i++) body += ALPHABET[bytes[i] % 32];
  return `${prefix}_${body}`;
}
