import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bearer secret Cloud hands out once: the token, its public prefix and the SHA-256 Cloud keeps. */
export interface IssuedSecret {
  readonly token: string;
  readonly prefix: string;
  readonly hash: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const issue = (scheme: string, prefixChars: number): IssuedSecret => {
  const token = `${scheme}${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, scheme.length + prefixChars), hash: sha256Hex(token) };
};

/** `dwi_…`: authorizes one runtime target's usage reports, nothing else. */
export const issueIngestToken = (): IssuedSecret => issue('dwi_', 12);

/** `dwr_…`: a namespace-scoped runtime credential; its 12-character prefix is what the runtime shows too. */
export const issueRuntimeToken = (): IssuedSecret => issue('dwr_', 8);

export const INGEST_TOKEN_PATTERN = /^dwi_[A-Za-z0-9_-]{43}$/;

export const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
