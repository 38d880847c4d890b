import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNixConf, type ConfLine } from '../../src/syntax/nixconf.js';
import { describeWithNix } from './oracle.js';

const words = (l: ConfLine): string[] => (l.kind === 'setting' ? l.values.map((w) => w.text) : []);

describe('nix.conf syntax', () => {
  it('splits key = words, with offsets for the key and each word', () => {
    const text = 'substituters = https://a  https://b\n';
    const [l] = parseNixConf(text).lines;
    expect(l!.kind).toBe('setting');
    if (l!.kind !== 'setting') return;
    expect(l.key).toEqual({ text: 'substituters', start: 0, end: 12 });
    expect(l.values).toEqual([
      { text: 'https://a', start: 15, end: 24 },
      { text: 'https://b', start: 26, end: 35 },
    ]);
    expect(text.slice(l.start, l.end)).toBe('substituters = https://a  https://b');
  });

  it('ends a line at # (even inside a value), keeps the comments, skips blank lines, has no continuation', () => {
    const text = '# head\n\n  sandbox = false # why\\\nkeep-outputs = true\nurl = https://x/#frag\n';
    const conf = parseNixConf(text);
    expect(conf.lines.map((l) => (l.kind === 'setting' ? [l.key.text, words(l)] : l.kind))).toEqual([
      ['sandbox', ['false']],
      ['keep-outputs', ['true']],
      ['url', ['https://x/']],
    ]);
    expect(conf.comments.map((c) => [c.text, text.slice(0, c.start).split('\n').length])).toEqual([
      ['# head', 1],
      ['# why\\', 3],
      ['#frag', 5],
    ]);
  });

  it('reads tabs and CR as separators and `NAME =` as the empty value', () => {
    const conf = parseNixConf('\tsandbox\t=\tfalse \r\nextra-sandbox-paths =\r\n');
    expect(conf.lines.map((l) => (l.kind === 'setting' ? [l.key.text, words(l)] : l.kind))).toEqual([
      ['sandbox', ['false']],
      ['extra-sandbox-paths', []],
    ]);
  });

  it('reads include and !include', () => {
    const conf = parseNixConf('include /etc/nix/a.conf\n!include b.conf\n');
    expect(conf.lines.map((l) => (l.kind === 'include' ? [l.optional, l.path.text, l.path.start] : l.kind))).toEqual([
      [false, '/etc/nix/a.conf', 8],
      [true, 'b.conf', 33],
    ]);
  });

  it('flags the lines Nix calls illegal', () => {
    const conf = parseNixConf('a=b\nsandbox\ninclude a b\nok = 1\n');
    expect(conf.lines.map((l) => l.kind)).toEqual(['invalid', 'invalid', 'invalid', 'setting']);
  });

  it('marks lines holding the unknown marker (an interpolation) as unknown, never invalid', () => {
    const conf = parseNixConf('trusted-users = \u0000 root\n\u0000\nsubstituters = x\n', '\u0000');
    expect(conf.lines.map((l) => [l.kind, 'unknown' in l ? l.unknown : undefined])).toEqual([
      ['setting', true],
      ['setting', true],
      ['setting', false],
    ]);
  });
});

/** The effective value of `key` after the lines of `text`, as Nix computes it: `extra-` appends, a plain key replaces. */
function effective(text: string, key: string): string | undefined {
  let value: string[] | undefined;
  for (const l of parseNixConf(text).lines) {
    if (l.kind !== 'setting') continue;
    if (l.key.text === key) value = words(l);
    else if (l.key.text === `extra-${key}`) value = [...(value ?? []), ...words(l)];
  }
  return value?.join(' ');
}

describeWithNix('oracle: nix show-config reads nix.conf as we do', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-conf-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const nixShow = (text: string): { status: number; out: Map<string, string>; err: string } => {
    fs.writeFileSync(path.join(dir, 'nix.conf'), text);
    const r = spawnSync('nix', ['--extra-experimental-features', 'nix-command', 'show-config'], {
      encoding: 'utf8',
      env: { ...process.env, NIX_CONF_DIR: dir, NIX_USER_CONF_FILES: '' },
    });
    const out = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S+) = (.*)$/.exec(line);
      if (m) out.set(m[1]!, m[2]!);
    }
    return { status: r.status ?? -1, out, err: r.stderr };
  };

  it.each([
    ['spaces, tabs, CR and comments', '# c\nsubstituters = https://a  https://b # c\n\ttrusted-public-keys\t=\tk:1 k:2\r\nsandbox = false\n'],
    ['extra- appends, a later plain key replaces', 'substituters = https://a\nextra-substituters = https://b\nextra-trusted-public-keys = k:9\ntrusted-public-keys = k:1\nsandbox = true\n'],
    ['a # cuts a value', 'substituters = https://a/#x https://b\ntrusted-public-keys = k:1#k:2\nsandbox = relaxed\n'],
    ['optional include of a missing file', '!include does-not-exist.conf\nsubstituters = https://a\ntrusted-public-keys = k:1\nsandbox = false\n'],
  ])('%s', (_name, text) => {
    const nix = nixShow(text);
    expect(nix.err).not.toMatch(/error/);
    for (const key of ['substituters', 'trusted-public-keys', 'sandbox']) expect(effective(text, key)).toBe(nix.out.get(key));
  });

  it.each([
    ['no spaces around =', 'sandbox=false\n', 1],
    ['a key alone', 'substituters = https://a\nsandbox\n', 2],
    ['include with two paths', 'include a b\n', 1],
  ])('Nix rejects %s, and so do we, on the same line', (_name, text, line) => {
    const nix = nixShow(text);
    expect(nix.err).toMatch(/illegal configuration line/);
    const bad = parseNixConf(text).lines.filter((l) => l.kind === 'invalid');
    expect(bad).toHaveLength(1);
    expect(text.slice(0, bad[0]!.start).split('\n').length).toBe(line);
  });
});
