import { Inject, Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SealedSecret } from '../../../../libs/domain/placement/runtime-target/sealed-secret';
import { ControlPlaneConfig } from '../config/config';
import { CONFIG } from '../platform/platform.tokens';

const IV_BYTES = 12;

/**
 * Seals runtime-target credentials at rest with AES-256-GCM. The associated data binds a sealed
 * credential to its target, so a ciphertext copied onto another target does not open. Opened
 * credentials are kept in memory only, never logged or returned.
 */
@Injectable()
export class CredentialCipher {
  private readonly logger = new Logger('CredentialCipher');
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(@Inject(CONFIG) config: ControlPlaneConfig) {
    if (config.credentialKey && config.credentialKey.length !== 32) throw new Error('the credential key must be 32 bytes');
    if (!config.credentialKey) {
      this.logger.warn('no credential key configured: using a key for this process only; set DWC_CREDENTIAL_KEY');
    }
    this.key = config.credentialKey ?? randomBytes(32);
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  seal(plaintext: string, boundTo: string): SealedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { alg: 'A256GCM', key_id: this.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(sealed: SealedSecret, boundTo: string): string {
    if (sealed.alg !== 'A256GCM') throw new Error(`unsupported credential sealing ${sealed.alg}`);
    if (sealed.key_id !== this.keyId) throw new Error(`credential was sealed with key ${sealed.key_id}, this process has ${this.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}
