/**
 * How Nix reads a nix.conf line: which boolean words it takes, which settings accept
 * `extra-`. Oracle: `NIX_CONFIG=… nix show-config`, the settings Nix ends up with.
 */
import { spawnSync } from 'node:child_process';
import { APPENDABLE, canonicalKey, nixBool } from '../../src/model/setting-names.js';
import { describeWithNix } from '../syntax/oracle.js';

/** The settings Nix runs with after reading `line`, or undefined when Nix rejects the value. */
function showConfig(line: string): { values: Map<string, string>; warning: string } | undefined {
  const r = spawnSync('nix', ['--extra-experimental-features', 'nix-command', 'show-config'], {
    encoding: 'utf8',
    env: { ...process.env, NIX_CONFIG: line, NIX_REMOTE: 'dummy://' },
  });
  if (r.status !== 0) return undefined;
  const values = new Map<string, string>();
  for (const l of r.stdout.split('\n')) {
    const i = l.indexOf(' = ');
    if (i > 0) values.set(l.slice(0, i), l.slice(i + 3));
  }
  return { values, warning: r.stderr };
}

describeWithNix('oracle: boolean spellings and extra- prefixes (nix show-config)', () => {
  it.each(['require-sigs', 'accept-flake-config', 'allow-unsafe-native-code-during-evaluation'])('%s takes the words Nix takes', (key) => {
    for (const word of ['true', 'false', 'yes', 'no', '1', '0', 'on', 'off', 'True']) {
      const got = showConfig(`${key} = ${word}`);
      const nix = got === undefined ? undefined : got.values.get(key) === 'true';
      expect({ key, word, model: nixBool(key, word) }).toEqual({ key, word, model: nix });
    }
  });

  it('sandbox takes true/false/relaxed only', () => {
    for (const word of ['yes', '1', '0', 'no']) {
      expect({ word, nix: showConfig(`sandbox = ${word}`) }).toEqual({ word, nix: undefined });
      expect(nixBool('sandbox', word)).toBeUndefined();
    }
  });

  it('extra- appends to list settings and is an unknown setting elsewhere', () => {
    for (const key of ['require-sigs', 'sandbox', 'accept-flake-config', 'build-users-group', 'post-build-hook']) {
      const got = showConfig(`extra-${key} = false`)!;
      expect(got.warning).toContain(`unknown setting 'extra-${key}'`);
      expect(canonicalKey(`extra-${key}`)).toEqual({ key: `extra-${key}`, append: false });
    }
    for (const key of ['substituters', 'trusted-public-keys', 'trusted-users', 'sandbox-paths', 'allowed-uris', 'allowed-users']) {
      expect(APPENDABLE.has(key)).toBe(true);
      const got = showConfig(`extra-${key} = zz-appended`)!;
      expect(got.warning).not.toContain('unknown setting');
      expect(got.values.get(key)).toContain('zz-appended');
      expect(canonicalKey(`extra-${key}`)).toEqual({ key, append: true });
    }
  });
});
