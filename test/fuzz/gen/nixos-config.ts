/**
 * NixOS configurations full of what nixharden's fixes rewrite (sandbox, require-sigs,
 * substituters, trusted users and keys, accept-flake-config, extraOptions lines), each
 * value in one of the shapes it takes in real code (plain, lib.mkForce, lib.mkDefault),
 * laid out dotted, in a `nix.settings` block or in a `nix` block, with comments and
 * odd whitespace between. Each setting appears once, so Nix never sees a duplicate.
 */
import fc from 'fast-check';

const SETTINGS: Record<string, string[]> = {
  sandbox: ['false', '"relaxed"', 'lib.mkForce false', 'lib.mkDefault "relaxed"', 'lib.mkForce "relaxed"', 'true'],
  'require-sigs': ['false', 'lib.mkForce false', 'lib.mkOverride 10 false'],
  substituters: ['[ "http://cache.nixos.org" ]', '[ "https://cache.nixos.org" "https://cache.example.org?trusted=1&priority=50" ]', '[\n      "https://cache.nixos.org" # official\n      "http://cache.example.org"\n    ]', 'lib.mkForce [ "https://x.example.org" ]'],
  'extra-substituters': ['[ "http://a.example.org" "https://b.example.org" ]', '[ "s3://bucket?region=eu-west-1&trusted=1" ]'],
  'trusted-users': ['[ "root" "alice" "@wheel" ]', 'lib.mkForce [ "root" "@wheel" ]', '[ "*" ]', '[ "root" ]'],
  'accept-flake-config': ['true', 'lib.mkForce true', 'false'],
  'trusted-public-keys': ['[ "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=" "nix-community.cachix.org-1:mB9FSh9qf2dCimDSUo8Zy7bkq5CX+/rkCWyvRCYg3Fs=" ]'],
  'allowed-users': ['[ "@users" ]'],
  cores: ['2'],
};
const EXTRA_LINES = ['sandbox = false', 'build-use-sandbox = relaxed', 'require-sigs = false', 'trusted-users = root alice', 'accept-flake-config = true', 'keep-outputs = true', 'substituters = http://cache.nixos.org'];

const gap = fc.constantFrom(' ', ' ', '  ', '\t', ' # note\n    ', ' /* c */ ');
const lineEnd = fc.constantFrom('\n', '\n', '\n\n', ' # trailing comment\n');

const setting = fc.constantFrom(...Object.keys(SETTINGS)).chain((k) => fc.tuple(fc.constant(k), fc.constantFrom(...SETTINGS[k]!), gap, lineEnd));

const extraOptions = fc.option(
  fc.tuple(fc.uniqueArray(fc.constantFrom(...EXTRA_LINES), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([lines, indented]) =>
    indented ? `''\n      ${lines.join('\n      ')}\n    ''` : JSON.stringify(`${lines.join('\n')}\n`),
  ),
  { nil: undefined },
);

export const nixosConfig: fc.Arbitrary<string> = fc
  .record({
    layout: fc.constantFrom('dotted', 'settings-block', 'nix-block'),
    settings: fc.uniqueArray(setting, { minLength: 1, maxLength: 6, selector: ([k]) => k }),
    useSandbox: fc.constantFrom(undefined, 'false', 'lib.mkForce false', 'true'),
    extraOptions,
    header: fc.constantFrom('{ lib, ... }:\n', '{ lib, pkgs, ... }:\n', '{ lib, config, ... }:\n# a host\n'),
  })
  .map(({ layout, settings, useSandbox, extraOptions: extra, header }) => {
    const inner = (prefix: string, indent: string): string => settings.map(([k, v, g, end]) => `${indent}${prefix}${k}${g}=${g}${v};${end}`).join('');
    const others = (prefix: string, indent: string): string =>
      `${useSandbox ? `${indent}${prefix}useSandbox = ${useSandbox};\n` : ''}${extra ? `${indent}${prefix}extraOptions = ${extra};\n` : ''}`;
    if (layout === 'dotted') return `${header}{\n${inner('nix.settings.', '  ')}${others('nix.', '  ')}}\n`;
    if (layout === 'settings-block') return `${header}{\n  nix.settings = {\n${inner('', '    ')}  };\n${others('nix.', '  ')}}\n`;
    return `${header}{\n  nix = {\n    settings = {\n${inner('', '      ')}    };\n${others('', '    ')}  };\n}\n`;
  });
