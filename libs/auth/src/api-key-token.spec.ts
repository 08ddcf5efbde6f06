import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_TOKEN_PREFIX_PATTERN, SECRET_HASH_PATTERN } from '../../domain/identity';
import {
  API_KEY_TOKEN_LENGTH, constantTimeEqualHex, generateApiKeyToken, hashSecret, parseApiKeyToken, redactApiKeyToken, tokenMatchesAnyHash,
} from './api-key-token';

/** A deterministic byte source: each call returns the next `size` bytes of a repeating sequence. */
const sequence = (bytes: readonly number[]) => {
  let i = 0;
  return (size: number) => Buffer.from(Array.from({ length: size }, () => bytes[i++ % bytes.length]));
};

describe('generateApiKeyToken', () => {
  it('produces dwc_ + 12-character key id part + _ + 43-character secret', () => {
    const generated = generateApiKeyToken(randomBytes);
    expect(generated.token).toMatch(/^dwc_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(generated.token).toHaveLength(API_KEY_TOKEN_LENGTH);
    expect(generated.token.startsWith(`${generated.token_prefix}_`)).toBe(true);
    expect(generated.token_prefix).toBe(`dwc_${generated.key_id_part}`);
    expect(generated.secret_hash).toBe(createHash('sha256').update(generated.token).digest('hex'));
  });

  it('produces values the identity deciders accept', () => {
    const generated = generateApiKeyToken(randomBytes);
    expect(generated.token_prefix).toMatch(API_KEY_TOKEN_PREFIX_PATTERN);
    expect(generated.secret_hash).toMatch(SECRET_HASH_PATTERN);
  });

  it('is deterministic in its random source and uses all 32 secret bytes', () => {
    const zeros = generateApiKeyToken(sequence([0]));
    expect(zeros.token).toBe(`dwc_000000000000_${'0'.repeat(43)}`);
    const max = generateApiKeyToken(sequence([1, 255]));
    // key id part: every 255 is skipped (it would bias the digits), every 1 becomes '1'
    expect(max.key_id_part).toBe('111111111111');
    const a = generateApiKeyToken(sequence([7, 1, 2, 3]));
    const b = generateApiKeyToken(sequence([7, 1, 2, 3]));
    expect(a).toEqual(b);
  });

  it('maps different secret bytes to different secrets (no truncation)', () => {
    const withLastByte = (last: number) => {
      let call = 0;
      return generateApiKeyToken((size) => {
        call += 1;
        const bytes = Buffer.alloc(size, 0);
        if (call === 2) bytes[size - 1] = last; // second call: the 32 secret bytes
        return bytes;
      }).token;
    };
    expect(withLastByte(1)).not.toBe(withLastByte(2));
    const allOnes = (() => {
      let call = 0;
      return generateApiKeyToken((size) => Buffer.alloc(size, ++call === 2 ? 255 : 0)).token;
    })();
    expect(allOnes).toMatch(/^dwc_000000000000_[0-9A-Za-z]{43}$/);
  });

  it('draws the key id part without modulo bias (bytes >= 248 are skipped)', () => {
    const generated = generateApiKeyToken(sequence([248, 249, 255, 61]));
    expect(generated.key_id_part).toBe('z'.repeat(12));
  });

  it('refuses a broken random source', () => {
    expect(() => generateApiKeyToken(() => Buffer.alloc(3))).toThrow(/bytes/);
    expect(() => generateApiKeyToken(() => Buffer.alloc(24, 255))).toThrow(/unusable/);
  });

  it('does not repeat across many tokens', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateApiKeyToken(randomBytes).token));
    expect(tokens.size).toBe(2000);
  });
});

describe('parseApiKeyToken', () => {
  const valid = `dwc_AbCdEf012345_${'x'.repeat(40)}Z09`;

  it('parses a well-formed token', () => {
    expect(parseApiKeyToken(valid)).toEqual({ prefix: 'dwc_AbCdEf012345', key_id_part: 'AbCdEf012345', secret: `${'x'.repeat(40)}Z09` });
  });

  it('round-trips generated tokens', () => {
    const generated = generateApiKeyToken(randomBytes);
    expect(parseApiKeyToken(generated.token)).toMatchObject({ prefix: generated.token_prefix, key_id_part: generated.key_id_part });
  });

  it.each([
    ['empty', ''],
    ['another scheme', valid.replace('dwc_', 'dwr_')],
    ['upper-case scheme', valid.replace('dwc_', 'DWC_')],
    ['a short key id part', `dwc_AbCdEf01234_${'x'.repeat(44)}`],
    ['a short secret', valid.slice(0, -1)],
    ['a long secret', `${valid}x`],
    ['a hyphen in the secret', valid.replace('Z09', 'Z-9')],
    ['an underscore in the secret', valid.replace('Z09', 'Z_9')],
    ['surrounding spaces', ` ${valid}`],
    ['a trailing newline', `${valid}\n`],
    ['a Bearer prefix', `Bearer ${valid}`],
    ['non-ASCII digits', valid.replace('012345', '０１２３４５')],
    ['a huge input', `dwc_${'a'.repeat(100_000)}`],
  ])('refuses %s', (_, token) => {
    expect(parseApiKeyToken(token)).toBeNull();
  });

  it.each([undefined, null, 42, {}, ['dwc_']])('refuses the non-string %p', (token) => {
    expect(parseApiKeyToken(token)).toBeNull();
  });
});

describe('hashSecret', () => {
  it('is the SHA-256 of the token in lower-case hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('constantTimeEqualHex', () => {
  const h = hashSecret('x');

  it('compares equal hex strings, ignoring case', () => {
    expect(constantTimeEqualHex(h, h)).toBe(true);
    expect(constantTimeEqualHex(h, h.toUpperCase())).toBe(true);
  });

  it('answers false for different values, lengths or non-hex input', () => {
    expect(constantTimeEqualHex(h, hashSecret('y'))).toBe(false);
    expect(constantTimeEqualHex(h, h.slice(0, -2))).toBe(false);
    expect(constantTimeEqualHex(`${h}0`, `${h}0`)).toBe(false);
    expect(constantTimeEqualHex('zz', 'zz')).toBe(false);
    expect(constantTimeEqualHex('', '')).toBe(false);
    expect(constantTimeEqualHex(h, undefined as unknown as string)).toBe(false);
  });
});

describe('tokenMatchesAnyHash', () => {
  it('matches a token against a key\'s valid hashes', () => {
    const { token, secret_hash } = generateApiKeyToken(randomBytes);
    expect(tokenMatchesAnyHash(token, [hashSecret('other'), secret_hash])).toBe(true);
    expect(tokenMatchesAnyHash(token, [hashSecret('other')])).toBe(false);
    expect(tokenMatchesAnyHash(token, [])).toBe(false);
  });
});

describe('redactApiKeyToken', () => {
  it('keeps only the public prefix', () => {
    const { token, token_prefix } = generateApiKeyToken(randomBytes);
    expect(redactApiKeyToken(token)).toBe(`${token_prefix}_…`);
    expect(redactApiKeyToken(token)).not.toContain(token.slice(token_prefix.length + 1));
    expect(redactApiKeyToken('garbage')).toBe('[malformed api key]');
  });
});
