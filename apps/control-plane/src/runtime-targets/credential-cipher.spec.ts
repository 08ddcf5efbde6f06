import { ControlPlaneConfig } from '../config/config';
import { CredentialCipher } from './credential-cipher';

const cipherWith = (fill: number) => new CredentialCipher({ credentialKey: Buffer.alloc(32, fill) } as ControlPlaneConfig);

describe('CredentialCipher', () => {
  it('seals with AES-256-GCM and opens for the same target only', () => {
    const cipher = cipherWith(1);
    const sealed = cipher.seal('runtime-admin-token', 'runtime_target:rt_1');
    expect(sealed).toMatchObject({ alg: 'A256GCM', key_id: cipher.keyId });
    expect(JSON.stringify(sealed)).not.toContain('runtime-admin-token');
    expect(cipher.open(sealed, 'runtime_target:rt_1')).toBe('runtime-admin-token');
    expect(() => cipher.open(sealed, 'runtime_target:rt_2')).toThrow();
  });

  it('uses a fresh IV each time and refuses a tampered ciphertext or another key', () => {
    const cipher = cipherWith(1);
    const a = cipher.seal('secret', 'x');
    const b = cipher.seal('secret', 'x');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    const tampered = { ...a, ciphertext: Buffer.from('sefret').toString('base64') };
    expect(() => cipher.open(tampered, 'x')).toThrow();
    expect(() => cipherWith(2).open(a, 'x')).toThrow(/sealed with key/);
  });
});
