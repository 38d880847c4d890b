/**
 * Rewriters over the shapes real configurations use. Oracles: Nix's own
 * parser, and `nix-instantiate --eval --strict --json` of the rewritten
 * expression (fetchers replaced by the identity function, so the arguments
 * Nix would pass them are compared), which shows each edit changed exactly
 * the value it meant to and kept everything else.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planFileEdits } from '../../src/edit/plan.js';
import { guardForFile } from '../../src/edit/guards.js';
import { listPins } from '../../src/model/pins.js';
import { hashBytes } from '../../src/core/nix-hash.js';
import { rewritePin, type PinTarget } from '../../src/pin/rewrite/index.js';
import { loadConfigModel } from '../../src/model/load/index.js';

const rev = 'ab'.repeat(20);
const nar = hashBytes('tree');
const target: PinTarget = {
  repo: { owner: 'NixOS', repo: 'nixpkgs' },
  branch: 'nixos-unstable',
  rev,
  lastModified: 1760000000,
  nar,
  flat: hashBytes('archive bytes'),
  archiveUrl: `https://github.com/NixOS/nixpkgs/archive/${rev}.tar.gz`,
};

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-rewrite-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Pins `text` (written as `name`) and returns the new text, checked by Nix's parser. */
async function pinText(name: string, text: string, t: PinTarget = target): Promise<string> {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const model = await loadConfigModel([dir], { jobs: 1 });
  const pins = listPins(model).filter((p) => p.github);
  expect(pins.length).toBeGreaterThan(0);
  const edits = pins.flatMap((p) => rewritePin(p, t));
  const [result] = planFileEdits(new Map(model.files.map((f) => [f.absPath, { original: f.text }])), edits, guardForFile());
  expect(result!.error).toBeUndefined();
  if (name.endsWith('.nix')) {
    fs.writeFileSync(file, result!.after);
    execFileSync('nix-instantiate', ['--parse', file], { stdio: 'pipe' });
  }
  return result!.after;
}

/** What Nix evaluates `text` to, with every fetcher replaced by `x: x`. */
function evalArgs(text: string): unknown {
  const file = path.join(dir, 'eval.nix');
  fs.writeFileSync(file, text.replace(/(?:builtins|pkgs)\.(?:fetchTarball|fetchFromGitHub|fetchGit|fetchurl)/g, '(x: x)'));
  return JSON.parse(execFileSync('nix-instantiate', ['--eval', '--strict', '--json', file], { encoding: 'utf8' }));
}

test('a bare-string fetchTarball becomes the attribute form with a base32 sha256', async () => {
  const out = await pinText('a.nix', 'let\n  src = builtins.fetchTarball "https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz";\nin src\n');
  expect(evalArgs(out)).toEqual({ url: target.archiveUrl, sha256: nar.base32 });
});

test('fetchTarball without a hash gets one, on its own line, and the branch comment', async () => {
  const out = await pinText('b.nix', '{\n  src = builtins.fetchTarball {\n    url = "https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz";\n  };\n}\n');
  expect(out).toContain(`    url = "${target.archiveUrl}"; # branch: nixos-unstable\n    sha256 = "${nar.base32}";\n`);
  expect(evalArgs(out)).toEqual({ src: { url: target.archiveUrl, sha256: nar.base32 } });
});

test('fetchFromGitHub keeps sha256 in base32 when that is what it used, and other attributes', async () => {
  const out = await pinText(
    'c.nix',
    '{ pkgs }:\n{\n  src = pkgs.fetchFromGitHub {\n    owner = "NixOS";\n    repo = "nixpkgs";\n    rev = "refs/heads/nixos-unstable";\n    sha256 = "0000000000000000000000000000000000000000000000000000";\n    fetchSubmodules = false;\n  };\n}\n',
  );
  expect(out).toContain(`rev = "${rev}"; # branch: nixos-unstable\n`);
  expect(evalArgs(out.replace('{ pkgs }:', ''))).toEqual({ src: { owner: 'NixOS', repo: 'nixpkgs', rev, sha256: nar.base32, fetchSubmodules: false } });
});

test('fetchGit keeps its ref and gets a rev after it', async () => {
  const out = await pinText('d.nix', '{\n  src = builtins.fetchGit {\n    url = "https://github.com/NixOS/nixpkgs.git";\n    ref = "nixos-unstable";\n  };\n}\n');
  expect(evalArgs(out)).toEqual({ src: { url: 'https://github.com/NixOS/nixpkgs.git', ref: 'nixos-unstable', rev } });
});

test('CRLF files stay CRLF', async () => {
  const out = await pinText('e.nix', '{\r\n  src = builtins.fetchTarball {\r\n    url = "https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz";\r\n  };\r\n}\r\n');
  expect(out.split('\n').every((l, i, a) => i === a.length - 1 || l.endsWith('\r'))).toBe(true);
  expect(evalArgs(out)).toEqual({ src: { url: target.archiveUrl, sha256: nar.base32 } });
});

test('a flake input with ?ref= becomes github:O/R/<rev>; pinning again changes nothing', async () => {
  const text = '{\n  inputs.nixpkgs.url = "github:NixOS/nixpkgs?ref=nixos-unstable";\n  outputs = { self, nixpkgs }: { };\n}\n';
  const out = await pinText('flake.nix', text);
  expect(out).toContain(`inputs.nixpkgs.url = "github:NixOS/nixpkgs/${rev}"; # branch: nixos-unstable\n`);
  expect(await pinText('flake.nix', out)).toBe(out);
});

test('a fetchurl pin takes the flat hash of the archive, as SRI when it uses `hash`', async () => {
  const out = await pinText('f.nix', '{ pkgs }:\npkgs.fetchurl {\n  url = "https://github.com/NixOS/nixpkgs/archive/nixos-unstable.tar.gz";\n  hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";\n}\n');
  expect(out).toContain(`hash = "${target.flat!.sri}";`);
  await expect(pinText('f.nix', out, { ...target, flat: undefined })).rejects.toThrow('fetchurl pins the archive bytes');
});
