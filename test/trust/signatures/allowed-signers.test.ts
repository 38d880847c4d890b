/**
 * The allowed-signers parser. Oracle: `ssh-keygen -Y find-principals`, which
 * reports the principals a file grants to the key that made a signature.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SigningLab, craftSshKey, craftSshSignature, run } from '../../helpers/signing.js';
import { matchPatternList, parseAbsoluteTime, parseAllowedSigners } from '../../../src/trust/signatures/ssh/allowed-signers.js';
import { UserError } from '../../../src/core/errors.js';
import { loadKeySet } from '../../../src/trust/signatures/keyset.js';

const lab = new SigningLab();
afterAll(() => lab.cleanup());

/** Principals ssh-keygen finds for the key that made `sig`, or [] when none. */
function findPrincipals(file: string, sig: string): string[] {
  const sigFile = path.join(lab.root, `sig-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(sigFile, sig);
  const r = run('ssh-keygen', ['-Y', 'find-principals', '-f', file, '-s', sigFile], { check: false });
  return r.status === 0 ? r.stdout.trim().split('\n') : [];
}

describe('syntax variants mean what they mean to ssh-keygen', () => {
  const variants = [
    'a@x KEY',
    '  b@x,c@x   KEY a comment with spaces',
    '"d@x" KEY',
    'e@x namespaces="git,file" KEY',
    'f@x cert-authority,namespaces="git" KEY',
    'g@x NAMESPACES="git" KEY',
    'h@x valid-after="20200101",valid-before="20990101" KEY',
    'i@x\tKEY',
    'j@x namespaces="a\\"b,git" KEY',
    'k*@example.org,!kevil@example.org KEY',
  ];

  it.each(variants)('%s', (variant) => {
    const key = craftSshKey('ssh-ed25519');
    const line = variant.replace('KEY', key.publicLine);
    const file = lab.file(`as-${Math.random().toString(36).slice(2)}`, `# header comment\n\n${line}\n`);
    const [entry] = parseAllowedSigners(fs.readFileSync(file, 'utf8'), file);
    expect(entry!.line).toBe(3);
    // ssh-keygen prints one principal per line.
    const ours = entry!.options.certAuthority ? [] : entry!.principals;
    expect(ours).toEqual(findPrincipals(file, craftSshSignature(key, Buffer.from('x'))));
  });

  it('parses options into values', () => {
    const key = craftSshKey('ssh-ed25519');
    const [e] = parseAllowedSigners(`p@x cert-authority,namespaces="git,file",valid-after="20200102Z",valid-before="202101020304Z" ${key.publicLine}`, 'f');
    expect(e!.options).toEqual({
      certAuthority: true,
      namespaces: ['git', 'file'],
      validAfter: Date.UTC(2020, 0, 2) / 1000,
      validBefore: Date.UTC(2021, 0, 2, 3, 4) / 1000,
    });
    expect(e!.key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads CRLF files', () => {
    const key = craftSshKey('ssh-ed25519');
    expect(parseAllowedSigners(`a@x ${key.publicLine}\r\nb@x ${key.publicLine}\r\n`, 'f').map((e) => e.principals)).toEqual([['a@x'], ['b@x']]);
  });
});

describe('a bad line is a UserError naming file and line (ssh-keygen only skips it; we refuse the file)', () => {
  const key = craftSshKey('ssh-ed25519');
  it.each([
    ['unquoted option value', 'x@x namespaces=git KEY', /quoted/],
    ['unknown option', 'x@x bogus-option KEY', /unknown option/],
    ['bad time', 'x@x valid-after="2020" KEY', /invalid time/],
    ['impossible date', 'x@x valid-after="20230231" KEY', /invalid time/],
    ['no key', 'x@x', /invalid line/],
    ['bad base64', 'x@x ssh-ed25519 !!!notbase64', /invalid/],
    ['type mismatch', `x@x ssh-rsa ${key.publicLine.split(' ')[1]}`, /does not match/],
    ['unterminated quote', 'x@x namespaces="git KEY', /quote/],
  ])('%s', (_name, line, message) => {
    const text = `ok@x ${key.publicLine}\n${line.replace('KEY', key.publicLine)}\n`;
    let err: unknown;
    try {
      parseAllowedSigners(text, 'signers.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toMatch(new RegExp(`^signers\\.txt:2: allowed signers: `));
    expect((err as UserError).message).toMatch(message);
  });

  it('loadKeySet reports an unreadable file by name', async () => {
    await expect(loadKeySet({ allowedSigners: path.join(lab.root, 'missing') })).rejects.toThrow(UserError);
  });
});

describe('patterns and times', () => {
  it('matches like OpenSSH match_pattern_list', () => {
    expect(matchPatternList('dev@x', ['dev@x'])).toBe(true);
    expect(matchPatternList('dev@x', ['*@x'])).toBe(true);
    expect(matchPatternList('dev@x', ['d?v@x'])).toBe(true);
    expect(matchPatternList('dev@x', ['*@x', '!dev@x'])).toBe(false);
    expect(matchPatternList('dev@x', ['!other@x'])).toBe(false);
    expect(matchPatternList('dev@x', ['DEV@x'])).toBe(false);
    expect(matchPatternList('a.b', ['a?b', 'x'])).toBe(true);
    expect(matchPatternList('axb', ['a.b'])).toBe(false);
  });

  it('parses absolute times', () => {
    expect(parseAbsoluteTime('20240229Z')).toBe(Date.UTC(2024, 1, 29) / 1000);
    expect(parseAbsoluteTime('20240229123456Z')).toBe(Date.UTC(2024, 1, 29, 12, 34, 56) / 1000);
    expect(parseAbsoluteTime('20230229')).toBeUndefined();
    expect(parseAbsoluteTime('2024022912')).toBeUndefined();
    expect(parseAbsoluteTime('20241301')).toBeUndefined();
  });
});
