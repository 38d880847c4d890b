/**
 * `nixharden pins` on the example configurations: every pin kind, with the
 * line each fact is on checked against the file text itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, repoRoot } from '../helpers/cli.js';

const fixtures = path.join(repoRoot, 'fixtures', 'pin');

interface PinJson {
  kind: string;
  name: string;
  transitive: boolean;
  file: string;
  line: number;
  source: string | null;
  ref: string | null;
  rev: string | null;
  hash: string | null;
  mutable: boolean;
  state: string;
  lockedBy: string | null;
  age: string | null;
  lastModified: number | null;
}

function pins(): PinJson[] {
  const r = runCli(['pins', '--format', 'json', 'flake', 'classic'], { cwd: fixtures });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as { version: number; pins: PinJson[] };
  expect(out.version).toBe(1);
  return out.pins;
}

test('lists every pin kind with file:line, source, ref, rev, hash, mutability and age', () => {
  const all = pins();
  const kinds = all.map((p) => p.kind).sort();
  expect(kinds).toEqual(['channel', 'fetchFromGitHub', 'fetchGit', 'fetchTarball', 'fetchTarball', 'flake-input', 'flake-input', 'flake-lock', 'flake-lock', 'niv', 'npins']);
  const line = (file: string, n: number) => fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n')[n - 1]!;
  for (const p of all) expect(p.line).toBeGreaterThan(0);
  const input = all.find((p) => p.kind === 'flake-input' && p.name === 'nixpkgs')!;
  // It follows a branch, but flake.lock beside it pins it.
  expect(input).toMatchObject({ file: 'flake/flake.nix', source: 'NixOS/nixpkgs', ref: 'nixos-25.11', rev: null, mutable: false, state: 'locked', lockedBy: 'flake/flake.lock', transitive: false });
  expect(line(input.file, input.line)).toContain('github:NixOS/nixpkgs/nixos-25.11');
  const lock = all.find((p) => p.kind === 'flake-lock' && p.name === 'nixpkgs')!;
  expect(lock).toMatchObject({ source: 'NixOS/nixpkgs', ref: 'nixos-25.11', rev: '2'.repeat(40), mutable: false, lastModified: 1700000000 });
  expect(lock.age).toMatch(/years?$/);
  expect(line(lock.file, lock.line)).toContain('"nixpkgs": {');
  const tarball = all.find((p) => p.kind === 'fetchTarball' && p.state === 'immutable')!;
  expect(all.find((p) => p.kind === 'fetchTarball' && p.line === 19)).toMatchObject({ state: 'unknown', source: null });
  expect(tarball).toMatchObject({ source: 'NixOS/nixpkgs', ref: 'nixos-25.11', rev: null });
  expect(line(tarball.file, tarball.line)).toContain('builtins.fetchTarball');
  expect(all.find((p) => p.kind === 'fetchGit')).toMatchObject({ ref: 'nixos-25.11', rev: null, hash: null, mutable: true, state: 'mutable' });
  expect(all.find((p) => p.kind === 'channel')).toMatchObject({ name: 'nixpkgs', mutable: true });
  expect(all.find((p) => p.kind === 'niv')).toMatchObject({ source: 'NixOS/nixpkgs', ref: 'nixos-25.11', rev: '2'.repeat(40) });
  expect(all.find((p) => p.kind === 'npins')).toMatchObject({ source: 'NixOS/nixpkgs', ref: 'nixos-25.11', rev: '2'.repeat(40) });
});

test('text output names the kind, root/transitive, and which lock pins a branch input', () => {
  const r = runCli(['pins', 'flake'], { cwd: fixtures });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('flake.nix:6: flake-input (root) nixpkgs: NixOS/nixpkgs');
  expect(r.stdout).toMatch(/ref nixos-25\.11, rev -, hash -, locked by flake\.lock/);
  expect(r.stdout).not.toContain('MUTABLE');
});

test('text output: MUTABLE for an unpinned fetcher, "can\'t tell" for arguments it cannot read, each named once', () => {
  const r = runCli(['pins', 'classic'], { cwd: fixtures });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('default.nix:14: builtins.fetchGit: NixOS/nixpkgs');
  expect(r.stdout).toMatch(/default\.nix:14: .*\n {2}ref nixos-25\.11, rev -, hash -, MUTABLE/);
  expect(r.stdout).toContain("default.nix:19: builtins.fetchTarball: arguments not readable statically\n  can't tell\n");
});

test('a missing path is a one-line usage error', () => {
  const r = runCli(['pins', 'no-such-dir'], { cwd: fixtures });
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
});
