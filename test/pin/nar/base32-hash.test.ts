import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../../../src/core/errors.js';
import { fromNixBase32, toNixBase32 } from '../../../src/core/nix-base32.js';
import { NixHash, convertHash, hashBytes, parseHash, tryParseHash, verifyDeclaredHash } from '../../../src/core/nix-hash.js';

const nixHash = (...args: string[]): string =>
  execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', ...args], { encoding: 'utf8' }).trim();

describe('Nix base32', () => {
  test('matches `nix hash to-base32` for random sha256, sha1 and sha512 digests', () => {
    for (const [type, size] of [['sha256', 32], ['sha1', 20], ['sha512', 64], ['md5', 16]] as const) {
      for (let i = 0; i < 3; i++) {
        const bytes = randomBytes(size);
        const expected = nixHash('to-base32', '--type', type, bytes.toString('hex'));
        expect(toNixBase32(bytes)).toBe(expected);
        expect(fromNixBase32(expected, size)).toEqual(bytes);
      }
    }
  });

  test('rejects wrong length, foreign characters and overflowing high bits', () => {
    const good = toNixBase32(randomBytes(32));
    expect(fromNixBase32(good.slice(1), 32)).toBeUndefined();
    expect(fromNixBase32(`e${good.slice(1)}`, 32)).toBeUndefined(); // 'e' is not in Nix's alphabet
    expect(fromNixBase32(`z${good.slice(1)}`, 32)).toBeUndefined(); // 52*5 = 260 bits: top 4 must be 0
    expect(fromNixBase32(`1${good.slice(1)}`, 32)).toBeDefined();
  });
});

describe('hash parsing and conversion', () => {
  const digest = createHash('sha256').update('nixharden').digest();
  const sri = `sha256-${digest.toString('base64')}`;

  test('every form Nix prints parses to the same digest, checked against `nix hash to-*`', () => {
    const base32 = nixHash('to-base32', sri);
    const hex = nixHash('to-base16', sri);
    expect(nixHash('to-sri', '--type', 'sha256', base32)).toBe(sri);
    for (const form of [sri, `sha256:${base32}`, `sha256:${hex}`, `sha256:${digest.toString('base64')}`, ` ${sri}\n`]) {
      expect(parseHash(form).bytes).toEqual(digest);
    }
    expect(parseHash(base32, 'sha256').sri).toBe(sri);
    expect(parseHash(hex, 'sha256').base32).toBe(base32);
    expect(convertHash(sri, 'base32')).toBe(base32);
    expect(convertHash(`sha256:${base32}`, 'hex')).toBe(hex);
    expect(convertHash(hex, 'sri', 'sha256')).toBe(sri);
  });

  test('sha512 SRI as found in flake.lock-adjacent tooling', () => {
    const d = createHash('sha512').update('x').digest();
    const h = parseHash(`sha512-${d.toString('base64')}`);
    expect(h.algorithm).toBe('sha512');
    expect(h.base32).toBe(nixHash('to-base32', h.sri));
  });

  test('fails closed on unknown algorithms, bare digests without a default, and malformed text', () => {
    expect(tryParseHash(`sha3-${digest.toString('base64')}`)).toBeUndefined();
    expect(tryParseHash(digest.toString('hex'))).toBeUndefined();
    expect(tryParseHash(`sha256-${digest.toString('base64').slice(0, -2)}`)).toBeUndefined();
    expect(tryParseHash(`sha256:${digest.toString('hex')}00`)).toBeUndefined();
    expect(tryParseHash(`sha1-${digest.toString('base64')}`)).toBeUndefined(); // length does not fit sha1
    expect(tryParseHash('')).toBeUndefined();
    expect(() => parseHash('sha256-nope', undefined, { file: 'flake.lock', line: 7 })).toThrow(UserError);
    try {
      parseHash('sha256-nope', undefined, { file: 'flake.lock', line: 7 });
    } catch (e) {
      expect((e as UserError).toOneLine()).toMatch(/^flake\.lock:7: not a valid hash/);
    }
  });

  test('equality needs the same algorithm and bytes', () => {
    const a = new NixHash('sha256', digest);
    expect(a.equals(parseHash(sri))).toBe(true);
    const other = Buffer.from(digest);
    other[0] ^= 1;
    expect(a.equals(new NixHash('sha256', other))).toBe(false);
  });
});

describe('verifyDeclaredHash (fails closed)', () => {
  const actual = hashBytes('content');
  test('match and mismatch in every declared form', () => {
    for (const form of [actual.sri, actual.base32, actual.hex, `sha256:${actual.base32}`]) expect(verifyDeclaredHash(form, actual).verdict).toBe('match');
    expect(verifyDeclaredHash(hashBytes('other').sri, actual).verdict).toBe('mismatch');
  });
  test('unparsable, weak, or a different algorithm is unverifiable, never a match', () => {
    expect(verifyDeclaredHash('lib.fakeSha256', actual).verdict).toBe('unverifiable');
    expect(verifyDeclaredHash(hashBytes('content', 'sha1').sri, actual)).toMatchObject({ verdict: 'unverifiable', reason: expect.stringMatching(/too weak/) });
    expect(verifyDeclaredHash(hashBytes('content', 'md5').sri, actual).verdict).toBe('unverifiable');
    expect(verifyDeclaredHash(hashBytes('content', 'sha512').sri, actual)).toMatchObject({ verdict: 'unverifiable', reason: 'declared sha512, computed sha256' });
  });
});
