/**
 * Modules a flake exports (`nixosModules.*`, `darwinModules.*`,
 * `homeManagerModules.*`, flake-parts' `flake.nixosModules.*`) are modules:
 * their `nix.settings` are settings. Oracle: Nix evaluates each exported
 * module (outputs called with stub inputs) and its `nix.settings` must be
 * exactly what the model found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { modelNixFile } from '../../src/model/nix-file.js';
import { describeWithNix } from '../syntax/oracle.js';

const FLAKE = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs, flake-parts }: {
    nixosModules.default = { config, ... }: {
      nix.settings.substituters = [ "http://mod.example.org" ];
    };
    nixosModules.cache = {
      config.nix.settings.require-sigs = false;
    };
    darwinModules = {
      default = { ... }: {
        config = { nix.settings.trusted-users = [ "@admin" ]; };
      };
    };
    homeManagerModules.default = { lib, ... }: {
      nix.settings = { extra-substituters = [ "https://cache.flakehub.com" ]; };
    };
  };
}
`;

const PARTS = `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      flake.nixosModules.default = { ... }: { nix.settings.sandbox = false; };
    };
}
`;

// What Nix says each exported module sets: call outputs with stubs, then the module with `config = { }`.
function nixModuleSettings(file: string, attr: string): Record<string, unknown> {
  const expr = `let
    stubParts = { lib.mkFlake = _: m: (if builtins.isFunction m then m { } else m).flake; };
    o = (import ${file}).outputs { self = { }; nixpkgs = { }; flake-parts = stubParts; };
    m = o.${attr};
    r = if builtins.isFunction m then m { config = { }; lib = { }; } else m;
  in (r.config or r).nix.settings`;
  const out = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { encoding: 'utf8' });
  expect(out.stderr).not.toMatch(/error/);
  return JSON.parse(out.stdout) as Record<string, unknown>;
}

describeWithNix('oracle: settings of modules a flake exports (nix-instantiate --eval)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-flakemod-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [FLAKE, ['nixosModules.default', 'nixosModules.cache', 'darwinModules.default', 'homeManagerModules.default']],
    [PARTS, ['nixosModules.default']],
  ] as const)('%#', (text, attrs) => {
    const sub = fs.mkdtempSync(path.join(dir, 'f-'));
    const file = path.join(sub, 'flake.nix');
    fs.writeFileSync(file, text);
    const m = modelNixFile({ file: 'flake.nix', absPath: file, text });
    expect(m.parseProblems).toEqual([]);
    const ours = new Map(m.settings.map((s) => [s.key, s]));
    const expected: Record<string, unknown> = {};
    for (const a of attrs) Object.assign(expected, nixModuleSettings(file, a));
    expect([...ours.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) {
      const s = ours.get(k)!;
      const got = s.value.kind === 'list' ? s.value.items.map((i) => (i.kind === 'string' ? i.value : '?')) : s.value.kind === 'bool' ? s.value.value : '?';
      expect(got).toEqual(v);
      expect(s.origin).toBe('nix.settings');
    }
  });
});
