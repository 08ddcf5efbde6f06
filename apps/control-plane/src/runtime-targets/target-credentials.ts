import { Injectable } from '@nestjs/common';
import { isSealedSecret } from '../../../../libs/domain/placement/runtime-target/sealed-secret';
import { CredentialCipher } from './credential-cipher';
import { credentialBinding } from './runtime-target-registration';

/**
 * Opens a target's sealed credential for a call to it. Opened credentials are cached in memory by
 * the sealed text, so the hot forwarding path decrypts once per target, not once per request.
 */
@Injectable()
export class TargetCredentials {
  private readonly cache = new Map<string, { readonly sealed: string; readonly plaintext: string }>();

  constructor(private readonly cipher: CredentialCipher) {}

  open(target: { readonly id: string; readonly credential: string }): string {
    const cached = this.cache.get(target.id);
    if (cached && cached.sealed === target.credential) return cached.plaintext;
    const sealed: unknown = JSON.parse(target.credential);
    if (!isSealedSecret(sealed)) throw new Error(`runtime target ${target.id} has no sealed credential`);
    const plaintext = this.cipher.open(sealed, credentialBinding(target.id));
    this.cache.set(target.id, { sealed: target.credential, plaintext });
    return plaintext;
  }
}
