import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Organization API key tokens:
 *
 *     dwc_<key id part: 12 base62>_<secret: 43 base62>       (60 characters)
 *
 * The key id part is public (shown in listings as the token prefix `dwc_<key id part>`, used to
 * look the key up); the secret is 32 random bytes (256 bits) written as fixed-width base62, so
 * the token is one "word" (no '-' or '_' inside a part) that double-click selects and secret
 * scanners can match. Only `hashSecret(token)` — SHA-256 of the whole token — is ever stored.
 */

export const API_KEY_TOKEN_SCHEME = 'dwc_';
export const API_KEY_ID_PART_LENGTH = 12;
export const API_KEY_SECRET_BYTES = 32;
/** ceil(256 / log2(62)) = 43 base62 digits hold any 32-byte value. */
export const API_KEY_SECRET_LENGTH = 43;
export const API_KEY_TOKEN_LENGTH = API_KEY_TOKEN_SCHEME.length + API_KEY_ID_PART_LENGTH + 1 + API_KEY_SECRET_LENGTH;
/** Input longer than this is refused before any pattern matching. */
export const API_KEY_TOKEN_MAX_LENGTH = 128;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_PATTERN = /^dwc_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})$/;
const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;
/** Largest multiple of 62 that fits a byte: bytes at or above it are rejected, so every digit is uniform. */
const UNBIASED_BYTE_LIMIT = 62 * 4;

export type RandomBytes = (size: number) => Buffer;

export interface GeneratedApiKeyToken {
  /** The whole token: shown to its holder once, never stored, never logged. */
  readonly token: string;
  readonly key_id_part: string;
  /** `dwc_` + key id part: what `IssueApiKey.token_prefix` / `RotateApiKey.new_token_prefix` take. */
  readonly token_prefix: string;
  /** SHA-256 of the token, lower-case hex: what the events store. */
  readonly secret_hash: string;
}

export interface ParsedApiKeyToken {
  /** `dwc_` + key id part. */
  readonly prefix: string;
  readonly key_id_part: string;
  readonly secret: string;
}

const take = (randomBytes: RandomBytes, size: number): Buffer => {
  const bytes: unknown = randomBytes(size);
  if (!Buffer.isBuffer(bytes) || bytes.length !== size) throw new Error(`random source did not return ${size} bytes`);
  return bytes;
};

const randomBase62 = (randomBytes: RandomBytes, length: number): string => {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    if (round > 64) throw new Error('random source keeps returning unusable bytes');
    for (const byte of take(randomBytes, length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
};

/** Fixed-width base62 of a big-endian unsigned integer. */
const toBase62 = (bytes: Buffer, width: number): string => {
  let value = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(width, '0');
};

/** SHA-256 of the whole token, lower-case hex. */
export const hashSecret = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Use `crypto.randomBytes` in production; tests inject a deterministic source. */
export const generateApiKeyToken = (randomBytes: RandomBytes): GeneratedApiKeyToken => {
  const keyIdPart = randomBase62(randomBytes, API_KEY_ID_PART_LENGTH);
  const secret = toBase62(take(randomBytes, API_KEY_SECRET_BYTES), API_KEY_SECRET_LENGTH);
  const token = `${API_KEY_TOKEN_SCHEME}${keyIdPart}_${secret}`;
  return { token, key_id_part: keyIdPart, token_prefix: `${API_KEY_TOKEN_SCHEME}${keyIdPart}`, secret_hash: hashSecret(token) };
};

/** The parts of a well-formed token, or null for anything else (wrong type, length, alphabet or shape). */
export const parseApiKeyToken = (token: unknown): ParsedApiKeyToken | null => {
  if (typeof token !== 'string' || token.length > API_KEY_TOKEN_MAX_LENGTH || token.length !== API_KEY_TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const [, keyIdPart, secret] = match;
  return { prefix: `${API_KEY_TOKEN_SCHEME}${keyIdPart}`, key_id_part: keyIdPart, secret };
};

/**
 * Compares two hex strings in constant time for equal lengths. Different lengths, odd lengths or
 * non-hex input answer false (a hash's length is no secret).
 */
export const constantTimeEqualHex = (a: string, b: string): boolean => {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  if (a.length !== b.length || a.length === 0) return false;
  if (!HEX_PATTERN.test(a) || !HEX_PATTERN.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
};

/**
 * True when the token's hash equals one of the given hashes (a key's `validCredentials`). Every
 * candidate is compared, so the time taken does not say which one matched.
 */
export const tokenMatchesAnyHash = (token: string, hashes: readonly string[]): boolean => {
  const hash = hashSecret(token);
  let matched = false;
  for (const candidate of hashes) matched = constantTimeEqualHex(hash, candidate) || matched;
  return matched;
};

/** What may appear in logs and error details instead of a token: its public prefix only. */
export const redactApiKeyToken = (token: unknown): string => {
  const parsed = parseApiKeyToken(token);
  return parsed ? `${parsed.prefix}_…` : '[malformed api key]';
};
