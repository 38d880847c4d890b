import { isSupportedBranch, releaseOfBranch, SUPPORTED_BRANCHES } from '../../src/data/nixpkgs-branches.js';
import { httpsUpgrade } from '../../src/rules/fixes/https-hosts.js';
import { isMutableRef, isNixpkgsRepo, parseFlakeUrl, githubOf } from '../../src/model/flake-ref.js';
import { withoutTrustedParam } from '../../src/rules/fixes/setting-edits.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

describe('flake references', () => {
  it.each([
    ['github:NixOS/nixpkgs/nixos-26.05', { type: 'github', owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-26.05' }, true],
    [`github:NixOS/nixpkgs/${REV}`, { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: REV }, false],
    ['github:NixOS/nixpkgs?ref=nixos-unstable', { type: 'github', owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-unstable' }, true],
    ['gitlab:o/r?host=git.example.org', { type: 'gitlab', owner: 'o', repo: 'r', host: 'git.example.org' }, true],
    [`git+https://example.org/x.git?ref=main&rev=${REV}`, { type: 'git', url: 'git+https://example.org/x.git', host: 'example.org', ref: 'main', rev: REV }, false],
    ['nixpkgs/nixos-23.11', { type: 'indirect', id: 'nixpkgs', ref: 'nixos-23.11' }, true],
    ['flake:nixpkgs', { type: 'indirect', id: 'nixpkgs' }, true],
    ['https://example.org/src.tar.gz', { type: 'tarball', url: 'https://example.org/src.tar.gz', host: 'example.org' }, true],
    ['https://example.org/src.tar.gz?narHash=sha256-AAAA', { type: 'tarball', url: 'https://example.org/src.tar.gz', host: 'example.org', narHash: 'sha256-AAAA' }, false],
    ['path:./sub', { type: 'path', url: 'path:./sub' }, false],
    ['git+file:///home/me/src', { type: 'git', url: 'git+file:///home/me/src' }, false],
  ])('%s', (url, want, mutable) => {
    const ref = parseFlakeUrl(url);
    expect(ref).toEqual(want);
    expect(isMutableRef(ref)).toBe(mutable);
  });

  it('recognises nixpkgs by repository, registry id or URL path', () => {
    expect(isNixpkgsRepo(parseFlakeUrl('github:someone/nixpkgs'))).toBe(true);
    expect(isNixpkgsRepo(parseFlakeUrl('nixpkgs'))).toBe(true);
    expect(isNixpkgsRepo(parseFlakeUrl('git+https://git.example.org/mirrors/nixpkgs.git'))).toBe(true);
    expect(isNixpkgsRepo(parseFlakeUrl('github:nix-community/home-manager'))).toBe(false);
  });
});

describe('supported nixpkgs branches (embedded list)', () => {
  it('carries its date and reads release numbers from branch names', () => {
    expect(SUPPORTED_BRANCHES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(releaseOfBranch('nixos-23.11')).toBe('23.11');
    expect(releaseOfBranch('nixpkgs-24.05-darwin')).toBe('24.05');
    expect(releaseOfBranch('nixos-23.11-small')).toBe('23.11');
    expect(releaseOfBranch('nixos-unstable')).toBeUndefined();
    expect(isSupportedBranch('nixos-23.11')).toBe(false);
    expect(isSupportedBranch('nixos-unstable')).toBeUndefined();
    expect(isSupportedBranch('nixos-23.11', ['23.11'])).toBe(true);
  });
});

describe('URL rewrites used by safe fixes', () => {
  it('upgrades only hosts known to serve https, and keeps the rest of the URL', () => {
    expect(httpsUpgrade('http://cache.nixos.org')).toBe('https://cache.nixos.org');
    expect(httpsUpgrade('http://foo.cachix.org/x?y=1')).toBe('https://foo.cachix.org/x?y=1');
    expect(httpsUpgrade('git://github.com/o/r')).toBe('git+https://github.com/o/r');
    expect(httpsUpgrade('git+http://gitlab.com/o/r.git?ref=main')).toBe('git+https://gitlab.com/o/r.git?ref=main');
    expect(httpsUpgrade('http://cache.example.org')).toBeUndefined();
    expect(httpsUpgrade('http://github.com:8080/x')).toBeUndefined();
    expect(httpsUpgrade('http://user@github.com/x')).toBeUndefined();
  });

  it('removes trusted=1 and keeps other parameters in order', () => {
    expect(withoutTrustedParam('https://c.org?trusted=1')).toBe('https://c.org');
    expect(withoutTrustedParam('s3://b?region=x&trusted=true&profile=p')).toBe('s3://b?region=x&profile=p');
    expect(withoutTrustedParam('https://c.org?priority=1')).toBeUndefined();
  });
});

describe('GitHub sources in any spelling (the one reader for rules, pins and pin)', () => {
  const rev = '0123456789abcdef0123456789abcdef01234567';
  const cases: Array<[string, { owner: string; repo: string; ref?: string; rev?: string } | undefined]> = [
    ['github:NixOS/nixpkgs/nixos-25.11', { owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-25.11' }],
    [`github:NixOS/nixpkgs/${rev}`, { owner: 'NixOS', repo: 'nixpkgs', rev }],
    ['https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz', { owner: 'NixOS', repo: 'nixpkgs', ref: 'nixos-24.05' }],
    [`https://github.com/NixOS/nixpkgs/archive/${rev}.tar.gz`, { owner: 'NixOS', repo: 'nixpkgs', rev }],
    ['https://github.com/nix-community/home-manager/archive/refs/heads/master.tar.gz', { owner: 'nix-community', repo: 'home-manager', ref: 'master' }],
    [`https://codeload.github.com/o/r/tar.gz/${rev}`, { owner: 'o', repo: 'r', rev }],
    ['git+https://github.com/o/r.git?ref=main', { owner: 'o', repo: 'r', ref: 'main' }],
    ['git+ssh://git@github.com/o/r', { owner: 'o', repo: 'r' }],
    ['git@github.com:o/r.git', { owner: 'o', repo: 'r' }],
    ['https://gitlab.com/o/r/-/archive/main/r-main.tar.gz', undefined],
    ['https://github.example.org/o/r/archive/main.tar.gz', undefined],
  ];
  it.each(cases)('%s', (url, want) => {
    const r = parseFlakeUrl(url);
    const gh = githubOf(r);
    if (!want) {
      expect(gh).toBeUndefined();
      return;
    }
    expect(gh).toEqual({ owner: want.owner, repo: want.repo });
    expect(r.ref).toBe(want.ref);
    expect(r.rev).toBe(want.rev);
  });
});
