/**
 * A secret encrypted at rest (AES-256-GCM, base64 parts). The domain only carries it: sealing and
 * opening happen in the control plane with the key from its configuration. `key_id` names the key
 * (a hash prefix of it), so a changed key is detected instead of producing garbage.
 */
export interface SealedSecret {
  readonly alg: 'A256GCM';
  readonly key_id: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const isSealedSecret = (value: unknown): value is SealedSecret => {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return s.alg === 'A256GCM' && typeof s.key_id === 'string' && s.key_id.length > 0
    && [s.iv, s.tag, s.ciphertext].every((part) => typeof part === 'string' && BASE64.test(part));
};
