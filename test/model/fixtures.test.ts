/** FileModels of the fixtures under fixtures/model: exact paths, values and spans. */
import { at, modelFixture, modelText, plain, sliceOf } from './helpers.js';

describe('fetchers (fixtures/model/fetchers)', () => {
  const m = modelFixture('fetchers/default.nix');
  const rows = m.fetches.map((f) => [f.fetcher, f.callee, f.builtin, Object.fromEntries([...f.args].map(([k, v]) => [k, plain(v)])), at(f.span)]);

  it('finds every fetcher call with its arguments, through with/let/import/parens', () => {
    expect(rows).toEqual([
      ['fetchTarball', 'builtins.fetchTarball', true, { url: { unknown: '"https://github.com/NixOS/nixpkgs/archive/${rev}.tar.gz"' }, sha256: '0'.repeat(52) }, '5:20-8:4'],
      ['fetchTarball', 'fetchTarball', true, { url: 'https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz' }, '12:7-12:84'],
      ['fetchurl', 'builtins.fetchurl', true, { url: 'https://example.org/src.tar.gz', sha256: '1'.repeat(52) }, '13:7-13:106'],
      ['fetchGit', 'builtins.fetchGit', true, { url: 'https://github.com/o/r', ref: 'main' }, '14:7-14:74'],
      ['fetchTree', 'builtins.fetchTree', true, { type: 'github', owner: 'o', repo: 'r' }, '15:7-15:71'],
      ['fetchFromGitHub', 'fetchFromGitHub', false, { owner: 'owner', repo: 'repo', rev: '0123456789abcdef0123456789abcdef01234567', hash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, '16:7-21:4'],
      ['fetchFromGitLab', 'pkgs.fetchFromGitLab', false, { owner: 'o', repo: 'r', rev: 'v1.0', sha256: { unknown: 'lib.fakeSha256' } }, '22:7-22:95'],
      ['fetchurl', 'lib.fetchurl', false, { url: 'https://example.org/src.tar.gz' }, '23:7-23:23'],
      ['fetchgit', 'fetchgit', false, { url: 'https://git.example.org/r.git', rev: '0123456789abcdef0123456789abcdef01234567' }, '24:7-24:69'],
      ['fetchzip', 'fetchzip', false, { url: 'https://example.org/z.zip' }, '25:7-25:52'],
      ['fetchTarball', 'fetchTarball', true, { url: 'https://example.org/src.tar.gz' }, '26:15-26:31'],
      ['fetchGit', 'builtins.fetchGit', true, { url: 'x' }, '28:7-28:41'],
    ]);
  });

  it('points argSpan at the argument, and let-bound argument values at their definition', () => {
    const tarball = m.fetches[1]!;
    expect(sliceOf(m.text, tarball.argSpan)).toBe('"https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz"');
    const viaLet = m.fetches[2]!.args.get('url')!;
    expect(sliceOf(m.text, viaLet.span)).toBe('"https://example.org/src.tar.gz"');
    expect(at(viaLet.span)).toBe('4:9-4:41');
  });

  it('recognises overlay and override prefixes (final., prev., super.)', () => {
    const o = modelFixture('fetchers/overlay.nix');
    expect(o.fetches.map((f) => [f.callee, f.builtin, plain(f.args.get('url')), plain(f.args.get('rev'))])).toEqual([
      ['final.fetchurl', false, 'http://insecure.example.org/foo.tgz', undefined],
      ['super.fetchFromGitHub', false, undefined, 'main'],
    ]);
  });

  it('records <channel> lookups, not look-alike strings', () => {
    const c = modelFixture('fetchers/channels.nix');
    expect(c.channels.map((x) => [x.name, at(x.span)])).toEqual([
      ['nixpkgs', '2:17-2:26'],
      ['nixpkgs/nixos', '3:18-3:33'],
      ['nixos-unstable', '4:21-4:37'],
    ]);
  });
});

describe('flake.nix (fixtures/model/flake)', () => {
  const m = modelFixture('flake/flake.nix');

  it('reads inputs in every spelling', () => {
    const rows = (m.flakeInputs ?? []).map((i) => ({
      name: i.name,
      url: plain(i.url),
      follows: plain(i.follows),
      nested: Object.fromEntries([...i.nestedFollows].map(([k, v]) => [k, plain(v)])),
      attrs: Object.fromEntries([...i.attrs].map(([k, v]) => [k, plain(v)])),
      isFlake: i.isFlake,
      span: at(i.span),
    }));
    expect(rows).toEqual([
      { name: 'nixpkgs', url: 'github:NixOS/nixpkgs/nixos-24.05', follows: undefined, nested: {}, attrs: {}, isFlake: true, span: '12:3-12:59' },
      { name: 'flake-utils', url: 'github:numtide/flake-utils', follows: undefined, nested: {}, attrs: {}, isFlake: true, span: '13:3-13:57' },
      { name: 'home-manager', url: 'github:nix-community/home-manager/release-24.05', follows: undefined, nested: { nixpkgs: 'nixpkgs' }, attrs: {}, isFlake: true, span: '16:5-19:7' },
      { name: 'agenix', url: 'github:ryantm/agenix', follows: undefined, nested: { nixpkgs: 'nixpkgs' }, attrs: {}, isFlake: true, span: '20:5-20:41' },
      { name: 'secrets', url: 'git+ssh://git@example.org/secrets.git', follows: undefined, nested: {}, attrs: { flake: false }, isFlake: false, span: '22:5-25:7' },
      { name: 'utils', url: undefined, follows: 'flake-utils', nested: {}, attrs: {}, isFlake: true, span: '26:5-26:35' },
      { name: 'hyprland', url: undefined, follows: undefined, nested: {}, attrs: { type: 'github', owner: 'hyprwm', repo: 'Hyprland', ref: 'v0.40.0' }, isFlake: true, span: '27:5-32:7' },
    ]);
  });

  it('maps nixConfig to settings, and settings of inline modules in nixosSystem (and home-manager users)', () => {
    expect(m.settings.map((s) => [s.key, s.append, s.origin, s.optionName, plain(s.value), at(s.keySpan)])).toEqual([
      ['extra-substituters', true, 'nixConfig', 'nixConfig.extra-substituters', ['https://nix-community.cachix.org'], '5:5-5:23'],
      ['extra-trusted-public-keys', true, 'nixConfig', 'nixConfig.extra-trusted-public-keys', ['nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs='], '6:5-6:30'],
      ['accept-flake-config', false, 'nixConfig', 'nixConfig.accept-flake-config', true, '9:5-9:24'],
      ['trusted-users', false, 'nix.settings', 'nix.settings.trusted-users', ['alice'], '50:13-50:39'],
      ['substituters', false, 'nix.settings', 'home-manager.users.alice.nix.settings.substituters', ['https://alice.example.org'], '52:15-52:40'],
    ]);
  });

  it('records the modules list paths as imports', () => {
    expect(m.imports.map((i) => [i.text, at(i.span), i.resolved?.endsWith('fixtures/model/flake/configuration.nix')])).toEqual([['./configuration.nix', '47:11-47:30', true]]);
  });

  it('reads extraOptions in a plain string and the deprecated options', () => {
    const c = modelFixture('flake/configuration.nix');
    expect(c.settings.map((s) => [s.key, s.append, s.origin, s.optionName, plain(s.value), at(s.span)])).toEqual([
      ['experimental-features', false, 'extraOptions', 'experimental-features', ['nix-command', 'flakes'], '3:23-3:65'],
      ['extra-substituters', true, 'extraOptions', 'extra-substituters', ['https://a.example.org\\'], '3:67-3:111'],
      ['trusted-users', false, 'deprecated-option', 'nix.trustedUsers', ['root'], '4:3-4:33'],
      ['sandbox', false, 'deprecated-option', 'nix.useSandbox', false, '5:3-5:26'],
      ['require-sigs', false, 'deprecated-option', 'nix.requireSignedBinaryCaches', false, '6:3-6:41'],
      ['extra-sandbox-paths', true, 'deprecated-option', 'nix.sandboxPaths', ['/bin/sh'], '7:3-7:36'],
    ]);
    // A word's span covers its source exactly, escapes included.
    const word = c.settings[1]!.value;
    expect(word.kind === 'list' && sliceOf(c.text, word.items[0]!.span)).toBe('https://a.example.org\\\\');
  });
});

describe('nix-darwin and home-manager (fixtures/model/darwin)', () => {
  it('reads an indented extraOptions under mkAfter, mapping every word back into the file', () => {
    const m = modelFixture('darwin/darwin-configuration.nix');
    const extra = m.settings.filter((s) => s.origin === 'extraOptions');
    expect(extra.map((s) => [s.key, plain(s.value), s.wrappers, at(s.keySpan)])).toEqual([
      ['keep-outputs', ['true'], ['mkAfter'], '14:5-14:17'],
      ['trusted-substituters', ['https://t.example.org', '${literal}'], ['mkAfter'], '15:7-15:27'],
      ['allowed-users', { unknown: '${…} @admin' }, ['mkAfter'], '16:5-16:18'],
    ]);
    const words = extra[1]!.value;
    expect(words.kind === 'list' && words.items.map((w) => sliceOf(m.text, w.span))).toEqual(['https://t.example.org', "''${literal}"]);
    expect(m.comments).toContainEqual({ line: 13, text: '# keep it' });
    expect(m.settings.filter((s) => s.origin === 'deprecated-option').map((s) => [s.key, s.optionName])).toEqual([
      ['trusted-public-keys', 'nix.binaryCachePublicKeys'],
      ['trusted-substituters', 'nix.trustedBinaryCaches'],
      ['allowed-users', 'nix.allowedUsers'],
    ]);
    expect(m.settings[0]!.value.kind === 'list' && plain(m.settings[0]!.value)).toEqual(['root', 'alice']);
  });

  it('keeps mkForce / mkOverride on home-manager settings and resolves ../ imports', () => {
    const m = modelFixture('darwin/home.nix');
    expect(m.settings.map((s) => [s.key, plain(s.value), s.wrappers])).toEqual([
      ['substituters', ['https://home.example.org'], ['mkForce']],
      ['sandbox', false, ['mkOverride']],
    ]);
    expect(m.imports[0]!.resolved?.endsWith('fixtures/model/flake/configuration.nix')).toBe(true);
  });
});

describe('flake.lock', () => {
  const m = modelFixture('flake/flake.lock');
  const nodes = m.lockNodes ?? [];

  it('gives each node its input path from the root, resolving follows arrays', () => {
    expect(nodes.map((n) => [n.id, n.inputPath.join('/'), n.direct, n.isFlake])).toEqual([
      ['agenix', 'agenix', true, true],
      ['darwin', 'agenix/darwin', false, true],
      ['nixpkgs', 'nixpkgs', true, true],
      ['secrets', 'secrets', true, false],
      ['root', '', false, true],
    ]);
  });

  it('keeps locked and original fields with the span of each value', () => {
    const secrets = nodes.find((n) => n.id === 'secrets')!;
    expect(Object.fromEntries(secrets.locked!)).toEqual({
      lastModified: 1700000000,
      narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      ref: 'refs/heads/main',
      rev: '1111111111111111111111111111111111111111',
      revCount: 42,
      type: 'git',
      url: 'ssh://git@example.org/secrets.git',
    });
    expect(sliceOf(m.text, secrets.lockedSpans.get('rev')!)).toBe('"1111111111111111111111111111111111111111"');
    expect(at(secrets.lockedSpans.get('rev')!)).toBe('68:16-68:58');
    expect(Object.fromEntries(nodes.find((n) => n.id === 'darwin')!.original!)).toEqual({ owner: 'lnl7', ref: 'master', repo: 'nix-darwin', type: 'github' });
    expect(at(secrets.span)).toBe('62:5-77:6');
    expect(m.parseProblems).toEqual([]);
  });
});

describe('sources.json', () => {
  it('reads niv entries as flat fields with spans', () => {
    const m = modelFixture('niv/nix/sources.json');
    expect(m.sources!.map((s) => [s.tool, s.name, s.fields.get('rev'), s.fields.get('type')])).toEqual([
      ['niv', 'nixpkgs', '805a384895c696f802a9bf5bf4720f37385df547', 'tarball'],
      ['niv', 'tool', '2222222222222222222222222222222222222222', 'git'],
    ]);
    const n = m.sources![0]!;
    expect(n.fields.get('homepage')).toBeNull();
    expect(sliceOf(m.text, n.fieldSpans.get('sha256')!)).toBe('"1q7y5ygr805l5axcjhn0rn3wj8zrwbrr8c3k7p8ggp5nkb9cmrvl"');
  });

  it('reads npins pins, flattening repository.* with dotted keys', () => {
    const m = modelFixture('npins/npins/sources.json');
    expect(m.sources!.map((s) => [s.tool, s.name, s.fields.get('type'), s.fields.get('repository.type'), s.fields.get('repository.owner') ?? s.fields.get('repository.url'), s.fields.get('revision')])).toEqual([
      ['npins', 'nixpkgs', 'Channel', undefined, undefined, undefined],
      ['npins', 'home-manager', 'Git', 'GitHub', 'nix-community', '3333333333333333333333333333333333333333'],
      ['npins', 'tool', 'GitRelease', 'Git', 'https://git.example.org/tool.git', '4444444444444444444444444444444444444444'],
      ['npins', 'pypkg', 'PyPi', undefined, undefined, undefined],
    ]);
    const hm = m.sources![1]!;
    expect(sliceOf(m.text, hm.fieldSpans.get('repository.repo')!)).toBe('"home-manager"');
    expect(at(hm.span)).toBe('9:5-20:6');
  });

  it('turns malformed JSON into one parse problem on its line', () => {
    const m = modelText('{\n  "pins": {\n    "a": { "type": "Git", }\n  }\n}\n', 'npins/sources.json');
    expect(m.parseProblems.map((p) => [p.span.startLine, p.message.startsWith('malformed JSON')])).toEqual([[3, true]]);
  });
});

describe('nix.conf files', () => {
  it('reads settings with word spans, comments and includes', () => {
    const m = modelFixture('nixconf/nix.conf');
    expect(m.settings.map((s) => [s.key, s.append, s.origin, plain(s.value), at(s.keySpan)])).toEqual([
      ['substituters', false, 'nix.conf', ['https://cache.nixos.org', 'http://cache.example.org'], '2:1-2:13'],
      ['trusted-public-keys', false, 'nix.conf', ['cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY='], '3:1-3:20'],
      ['extra-trusted-users', true, 'nix.conf', ['@wheel'], '4:1-4:20'],
      ['sandbox', false, 'nix.conf', ['false'], '5:1-5:8'],
      ['require-sigs', false, 'nix.conf', ['false'], '6:1-6:13'],
    ]);
    const subs = m.settings[0]!.value;
    expect(subs.kind === 'list' && at(subs.items[1]!.span)).toBe('2:40-2:64');
    expect(m.comments).toEqual([
      { line: 1, text: '# /etc/nix/nix.conf' },
      { line: 2, text: '# an insecure one' },
    ]);
    expect(m.imports.map((i) => [i.text, i.resolved?.endsWith('fixtures/model/nixconf/nix.custom.conf')])).toEqual([['nix.custom.conf', true]]);
    expect(m.parseProblems).toEqual([]);
  });

  it('reports the first illegal line as the one parse problem, and keeps the valid settings', () => {
    const m = modelFixture('nixconf-broken/nix.conf');
    expect(m.parseProblems.map((p) => [at(p.span), p.message])).toEqual([['2:1-2:19', "illegal configuration line 'require-sigs=false'"]]);
    expect(m.settings.map((s) => s.key)).toEqual(['substituters']);
  });
});
