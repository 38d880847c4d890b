import { buildFileModel } from '../../src/model/index.js';
import { isOfficialSubstituter, isPlainHttp } from '../../src/rules/checks/util.js';
import { boolOf, flagSettings, settingViews } from '../../src/model/setting-views.js';
import { canonicalKey } from '../../src/model/setting-names.js';

describe('rule helpers', () => {
  it('canonicalises setting names: extra- prefix and old aliases', () => {
    expect(canonicalKey('extra-substituters')).toEqual({ key: 'substituters', append: true });
    expect(canonicalKey('binary-caches')).toEqual({ key: 'substituters', append: false });
    expect(canonicalKey('extra-binary-cache-public-keys')).toEqual({ key: 'trusted-public-keys', append: true });
    expect(canonicalKey('build-use-sandbox')).toEqual({ key: 'sandbox', append: false });
  });

  it('compares substituters ignoring case, trailing slashes and store parameters', () => {
    const official = ['https://cache.nixos.org'];
    expect(isOfficialSubstituter('https://cache.nixos.org/', official)).toBe(true);
    expect(isOfficialSubstituter('HTTPS://Cache.NixOS.org?priority=40', official)).toBe(true);
    expect(isOfficialSubstituter('https://cache.nixos.org.evil.example', official)).toBe(false);
    expect(isOfficialSubstituter('http://cache.nixos.org', official)).toBe(false);
  });

  it('treats http to loopback as local and everything else over http as plain', () => {
    expect(isPlainHttp('http://cache.example.org')).toBe(true);
    expect(isPlainHttp('git+http://example.org/r.git')).toBe(true);
    expect(isPlainHttp('http://127.0.0.1:5000')).toBe(false);
    expect(isPlainHttp('http://localhost')).toBe(false);
    expect(isPlainHttp('http://[::1]:8080/')).toBe(false);
    expect(isPlainHttp('http://localhost.evil.example')).toBe(true);
    expect(isPlainHttp('https://example.org')).toBe(false);
  });

  it('reads settings from every origin with exact word spans, and unknown values as unknown', () => {
    const text = `{ config, ... }:
{
  nix.settings.trusted-users = [ "root" config.me ];
  nix.extraOptions = ''
    sandbox = relaxed
  '';
}
`;
    const file = buildFileModel({ file: 'a.nix', absPath: '/x/a.nix', text, kind: 'nix' });
    const views = settingViews(file);
    const users = views.find((v) => v.key === 'trusted-users')!;
    expect(users.words.map((w) => w.text)).toEqual(['root']);
    expect(users.unknown).toBe(true);
    const sandbox = views.find((v) => v.key === 'sandbox')!;
    expect(sandbox.origin).toBe('extraOptions');
    expect(text.slice(sandbox.words[0]!.span.startOffset, sandbox.words[0]!.span.endOffset)).toBe('relaxed');
    expect(boolOf(sandbox)).toBeUndefined();
  });

  it('finds Nix options passed as command-line flags, skipping comments and descriptions', () => {
    const text = `{
  a = [ "--option" "sandbox" "false" "--no-require-sigs" ];
  b = "nixos-rebuild switch --flake .#host --accept-flake-config"; # --option require-sigs false
  /* --allow-unsafe-native-code-during-evaluation */
  c.description = "pass --accept-flake-config to accept";
  d = "--accept-flake-config-later --extra-option substituters http://x";
  e = [ "--extra-substituters" "https://c.example.org" "--trusted-public-keys" "k:1" ];
}
`;
    const file = buildFileModel({ file: 'a.nix', absPath: '/x/a.nix', text, kind: 'nix' });
    expect(flagSettings(file).map((f) => `${f.key}=${f.words[0]!.text}@${f.span.startLine}`)).toEqual([
      'sandbox=false@2',
      'require-sigs=false@2',
      'accept-flake-config=true@3',
      'substituters=http://x@6',
      'substituters=https://c.example.org@7',
      'trusted-public-keys=k:1@7',
    ]);
    expect(flagSettings(file).find((f) => f.optionName.startsWith('--extra-substituters'))!.append).toBe(true);
  });
});
