/**
 * Settings hidden behind module structure: `//` (right side wins, shallow),
 * attrsets held in `let` variables, `with lib; mkMerge [ (mkIf …) ]`.
 * Oracle: `nix-instantiate --eval --strict --json` of the same file's
 * `nix.settings` (each file is a plain attrset, so Nix can evaluate it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { modelNixFile } from '../../src/model/nix-file.js';
import type { StaticValue } from '../../src/model/types.js';
import { describeWithNix } from '../syntax/oracle.js';

function plain(v: StaticValue): unknown {
  switch (v.kind) {
    case 'string':
    case 'bool':
    case 'int':
      return v.value;
    case 'list':
      return v.items.map(plain);
    default:
      return `<${v.kind}>`;
  }
}

/** nix.settings as the model sees it: key → value, the last one written winning. */
function modelSettings(file: string, text: string): Record<string, unknown> {
  const m = modelNixFile({ file: path.basename(file), absPath: file, text });
  expect(m.parseProblems).toEqual([]);
  const out: Record<string, unknown> = {};
  for (const s of m.settings) if (s.origin === 'nix.settings') out[s.key] = plain(s.value);
  return out;
}

function nixSettings(file: string): Record<string, unknown> {
  const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', `(import ${file}).nix.settings`], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/error/);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const LIB = 'lib = { mkIf = c: v: if c then v else [ ]; mkMerge = l: builtins.head l; };';
const CASES: Record<string, string> = {
  updateInSettings: `{
  nix.settings = {
    substituters = [ "https://a.example.org" ];
    require-sigs = true;
  } // {
    trusted-public-keys = [ "a.example.org-1:AAAA=" ];
    require-sigs = false;
  };
}`,
  updateChain: `{
  nix.settings = { a = "1"; } // { b = "2"; } // ({ a = "3"; });
}`,
  updateModule: `let cond = true; in
{ imports = [ ]; }
// (if cond then { nix.settings.require-sigs = false; } else { })`,
  updateWithUnknown: `let other = builtins.fromJSON "{}"; in
{ nix.settings = other // { sandbox = false; }; }`,
  letVariable: `let
  caches = {
    substituters = [ "http://b.example.org" ];
    trusted-users = [ "@wheel" ];
  };
in
{ nix.settings = caches; }`,
  letVariableUpdate: `let
  base = { substituters = [ "http://b.example.org" ]; };
  more = base // { sandbox = false; };
in
{ nix.settings = more; }`,
  withLibMerge: `let ${LIB} in
{ nix.settings = with lib; mkMerge [ { require-sigs = false; } ]; }`,
};

describeWithNix('oracle: settings behind //, let variables and with (nix-instantiate --eval)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-struct-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(CASES))('%s', (name) => {
    const file = path.join(dir, `${name}.nix`);
    fs.writeFileSync(file, CASES[name]! + '\n');
    expect(modelSettings(file, CASES[name]! + '\n')).toEqual(nixSettings(file));
  });

  it('points a let-bound setting at its definition', () => {
    const text = CASES.letVariable! + '\n';
    const m = modelNixFile({ file: 'v.nix', absPath: path.join(dir, 'v.nix'), text });
    const s = m.settings.find((x) => x.key === 'substituters')!;
    expect(s.span.startLine).toBe(3);
    expect(text.slice(s.keySpan.startOffset, s.keySpan.endOffset)).toBe('substituters');
  });

  it('keeps list values under with lib; mkMerge [ (mkIf …) ]', () => {
    const text = `{ lib, config, ... }:
{
  nix.buildMachines = with lib; mkMerge [
    (lib.mkIf (config.networking.hostName != "a") [
      { hostName = "b1"; systems = [ "x86_64-linux" ]; }
    ])
  ];
}
`;
    const m = modelNixFile({ file: 'b.nix', absPath: path.join(dir, 'b.nix'), text });
    const a = m.assignments.find((x) => x.path.join('.') === 'nix.buildMachines');
    expect(a?.value.kind).toBe('list');
    expect(a?.wrappers).toEqual(['mkMerge', 'mkIf']);
  });
});
