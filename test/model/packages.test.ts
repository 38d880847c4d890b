/** Packages read statically from package options, in every form configurations use. */
import { packagesOf } from '../../src/model/packages.js';
import { modelText } from './helpers.js';

function read(text: string) {
  const r = packagesOf([modelText(text)]);
  return {
    attrs: r.packages.map((p) => (p.conditional ? `${p.attr}?` : p.attr)),
    unread: r.unread.map((u) => `${u.why}: ${u.text}`),
    options: [...new Set(r.packages.map((p) => p.option))],
  };
}

describe('packagesOf', () => {
  it('reads `with pkgs; [ … ]`, `pkgs.x`, nested sets and `++`', () => {
    const r = read(`{ pkgs, ... }: {
      environment.systemPackages = with pkgs; [ git vim python3Packages.requests xfce.thunar ] ++ [ pkgs.jq pkgs.nodePackages.prettier ];
    }`);
    expect(r.attrs).toEqual(['git', 'vim', 'python3Packages.requests', 'xfce.thunar', 'jq', 'nodePackages.prettier']);
    expect(r.unread).toEqual([]);
  });

  it('marks lib.optionals, lib.optional, mkIf and if as conditional', () => {
    const r = read(`{ pkgs, lib, config, ... }: {
      environment.systemPackages = [ pkgs.curl ]
        ++ lib.optionals config.x.enable [ pkgs.htop pkgs.tmux ]
        ++ lib.optional true pkgs.strace
        ++ (if config.y then [ pkgs.gdb ] else [ ]);
      home.packages = lib.mkIf config.z (with pkgs; [ ripgrep ]);
    }`);
    expect(r.attrs).toEqual(['curl', 'htop?', 'tmux?', 'strace?', 'gdb?', 'ripgrep?']);
  });

  it('reads python3.withPackages, ghcWithPackages and override', () => {
    const r = read(`{ pkgs, ... }: {
      environment.systemPackages = with pkgs; [
        (python3.withPackages (ps: [ ps.requests ps.flask ]))
        (pkgs.python311.withPackages (p: with p; [ numpy ]))
        (haskellPackages.ghcWithPackages (hp: [ hp.lens ]))
        (pkgs.vim.override { python3 = null; })
      ];
    }`);
    expect(r.attrs).toEqual(['python3', 'python3Packages.requests', 'python3Packages.flask', 'python311', 'python311Packages.numpy', 'ghc', 'haskellPackages.lens', 'vim']);
  });

  it('reads users.users.<n>.packages, home-manager users and builtins.attrValues', () => {
    const r = read(`{ pkgs, ... }: {
      users.users.alice = { isNormalUser = true; packages = with pkgs; [ firefox ]; };
      home-manager.users.bob = { pkgs, ... }: { home.packages = builtins.attrValues { inherit (pkgs) jq yq; inherit (pkgs.gitAndTools) git-absorb; }; };
    }`);
    expect(r.attrs).toEqual(['firefox', 'jq', 'yq', 'gitAndTools.git-absorb']);
    expect(r.options).toEqual(['users.users.alice.packages', 'home-manager.users.bob.home.packages']);
  });

  it('follows let constants and keeps channel overlays and imports as the plain attribute', () => {
    const r = read(`{ pkgs, pkgs-unstable, ... }: let
      tools = with pkgs; [ git ];
      editor = pkgs.neovim;
    in {
      environment.systemPackages = tools ++ [ editor pkgs-unstable.helix pkgs.unstable.zellij (import <nixpkgs-unstable> { }).htop ];
    }`);
    expect(r.attrs).toEqual(['git', 'neovim', 'helix', 'zellij', 'htop']);
    expect(r.unread).toEqual([]);
  });

  it('reports what it cannot read, with the reason, instead of dropping it', () => {
    const r = read(`{ pkgs, inputs, config, ... }: {
      environment.systemPackages = [
        (pkgs.writeShellScriptBin "hello" "echo hi")
        (pkgs.callPackage ./my-tool { })
        inputs.agenix.packages.x86_64-linux.default
        config.boot.kernelPackages.perf
        (builtins.map (x: x) [ ])
      ];
    }`);
    expect(r.attrs).toEqual([]);
    expect(r.unread).toEqual([
      'local derivation: pkgs.writeShellScriptBin "hello" "echo hi"',
      'local derivation: pkgs.callPackage ./my-tool { }',
      'flake input: inputs.agenix.packages.x86_64-linux.default',
      'from another option: config.boot.kernelPackages.perf',
      'not static: builtins.map (x: x) [ ]',
    ]);
  });
});

describe('packagesOf: wrapped items', () => {
  it('reads an element wrapped in let or with', () => {
    const r = packagesOf([
      modelText(`{ pkgs, ... }: { environment.systemPackages = [ (let v = pkgs.ripgrep; in v) (with pkgs; fd) (let s = "x"; in pkgs.writeShellScriptBin s "") ]; }`),
    ]);
    expect(r.packages.map((p) => p.attr)).toEqual(['ripgrep', 'fd']);
    expect(r.unread.map((u) => u.why)).toEqual(['local derivation']);
  });
});
