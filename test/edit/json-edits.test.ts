import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { applyEdits } from '../../src/edit/apply.js';
import { indentUnit, insertJsonKeyAfter, replaceJsonValue } from '../../src/edit/json-edits.js';
import { jsonEntry, jsonGet, parseJsonWithPositions, type JsonNode } from '../../src/syntax/json-positions.js';

const flakeLock = `{
  "nodes": {
    "nixpkgs": {
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "0000000000000000000000000000000000000000",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "nixpkgs": "nixpkgs"
      }
    }
  },
  "root": "root",
  "version": 7
}
`;

const nivSources = '{\r\n    "nixpkgs": {\r\n        "branch": "nixos-23.11",\r\n        "sha256": "0000000000000000000000000000000000000000000000000000",\r\n        "url": "https://github.com/NixOS/nixpkgs/archive/abc.tar.gz"\r\n    }\r\n}\r\n';

const path_ = (root: JsonNode, ...keys: string[]): JsonNode => keys.reduce<JsonNode>((n, k) => jsonGet(n, k)!, root);

/** Nix's fromJSON reads the edited file: the oracle that flake.lock consumers will agree. */
function nixFromJson(text: string): unknown {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nh-json-'));
  try {
    writeFileSync(path.join(dir, 'f.json'), text);
    const out = execFileSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', `builtins.fromJSON (builtins.readFile ${dir}/f.json)`], { encoding: 'utf8' });
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('JSON value edits on a flake.lock', () => {
  const root = parseJsonWithPositions(flakeLock, 'flake.lock');
  const locked = path_(root, 'nodes', 'nixpkgs', 'locked');

  test('replacing rev and narHash changes exactly those two lines', () => {
    const edits = [
      replaceJsonValue('flake.lock', flakeLock, jsonGet(locked, 'rev')!, 'a'.repeat(40)),
      replaceJsonValue('flake.lock', flakeLock, jsonGet(locked, 'narHash')!, 'sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB='),
      replaceJsonValue('flake.lock', flakeLock, jsonGet(locked, 'lastModified')!, 1700000001),
    ];
    const out = applyEdits(flakeLock, edits);
    const changed = out.split('\n').filter((l, i) => l !== flakeLock.split('\n')[i]);
    expect(changed).toEqual([
      '        "lastModified": 1700000001,',
      '        "narHash": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",',
      `        "rev": "${'a'.repeat(40)}",`,
    ]);
    expect(Object.keys((nixFromJson(out) as { nodes: { nixpkgs: { locked: object } } }).nodes.nixpkgs.locked)).toEqual(
      Object.keys(JSON.parse(flakeLock).nodes.nixpkgs.locked),
    );
  });

  test('strings that need escaping round-trip through JSON.parse and Nix fromJSON', () => {
    const nasty = 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007 ünï 😀 \u2028 ${x} </script>';
    const out = applyEdits(flakeLock, [replaceJsonValue('flake.lock', flakeLock, jsonGet(locked, 'repo')!, nasty)]);
    expect(JSON.parse(out).nodes.nixpkgs.locked.repo).toBe(nasty);
    // Nix strings cannot hold NUL; check the rest through Nix.
    const noNul = applyEdits(flakeLock, [replaceJsonValue('flake.lock', flakeLock, jsonGet(locked, 'repo')!, nasty.replace('\u0000', ''))]);
    expect((nixFromJson(noNul) as { nodes: { nixpkgs: { locked: { repo: string } } } }).nodes.nixpkgs.locked.repo).toBe(nasty.replace('\u0000', ''));
  });

  test('an object value is laid out with the file indentation', () => {
    const out = applyEdits(flakeLock, [replaceJsonValue('flake.lock', flakeLock, path_(root, 'nodes', 'root', 'inputs'), { nixpkgs: 'nixpkgs', utils: ['a', 'b'] })]);
    expect(out).toContain('      "inputs": {\n        "nixpkgs": "nixpkgs",\n        "utils": [\n          "a",\n          "b"\n        ]\n      }\n');
    expect(nixFromJson(out)).toEqual(JSON.parse(out));
  });

  test('insert a key after another, keeping order and indentation', () => {
    const out = applyEdits(flakeLock, [insertJsonKeyAfter('flake.lock', flakeLock, jsonEntry(locked, 'owner')!, 'ref', 'refs/tags/v1')]);
    expect(out).toContain('        "owner": "NixOS",\n        "ref": "refs/tags/v1",\n        "repo": "nixpkgs",');
    expect(Object.keys(JSON.parse(out).nodes.nixpkgs.locked)).toEqual(['lastModified', 'narHash', 'owner', 'ref', 'repo', 'rev', 'type']);
    // after the last member: the new one becomes last
    const last = applyEdits(flakeLock, [insertJsonKeyAfter('flake.lock', flakeLock, jsonEntry(locked, 'type')!, 'dir', 'sub')]);
    expect(last).toContain('        "type": "github",\n        "dir": "sub"\n      },');
    expect(nixFromJson(last)).toEqual(JSON.parse(last));
  });

  test('wrong spans are refused, not spliced', () => {
    const rev = jsonGet(locked, 'rev')!;
    expect(() => replaceJsonValue('flake.lock', flakeLock, { start: rev.start + 1, end: rev.end }, 'x')).toThrow(UserError);
    expect(() => replaceJsonValue('flake.lock', flakeLock, { start: rev.start, end: rev.end + 1 }, 'x')).toThrow(/does not hold one JSON value/);
    expect(() => replaceJsonValue('flake.lock', flakeLock, { start: 0, end: 1e6 }, 'x')).toThrow(/outside the file/);
    expect(() => replaceJsonValue('flake.lock', flakeLock, rev, undefined)).toThrow(/cannot write undefined as JSON/);
  });
});

describe('JSON edits on a niv sources.json (4-space indent, CRLF)', () => {
  const root = parseJsonWithPositions(nivSources, 'nix/sources.json');
  const pkgs = jsonGet(root, 'nixpkgs')!;

  test('indent unit and line endings are detected and kept', () => {
    expect(indentUnit(nivSources)).toBe('    ');
    expect(indentUnit(flakeLock)).toBe('  ');
    expect(indentUnit('{\n\t"a": 1\n}')).toBe('\t');
    const out = applyEdits(nivSources, [
      replaceJsonValue('nix/sources.json', nivSources, jsonGet(pkgs, 'sha256')!, '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s'),
      insertJsonKeyAfter('nix/sources.json', nivSources, jsonEntry(pkgs, 'branch')!, 'rev', 'abc'),
    ]);
    expect(out).toBe(
      nivSources
        .replace('0000000000000000000000000000000000000000000000000000', '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s')
        .replace('"nixos-23.11",\r\n', '"nixos-23.11",\r\n        "rev": "abc",\r\n'),
    );
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
  });

  test('an inline object gets an inline member', () => {
    const text = '{"a": {"x": 1, "y": 2}}';
    const a = jsonGet(parseJsonWithPositions(text, 't.json'), 'a');
    const out = applyEdits(text, [insertJsonKeyAfter('t.json', text, jsonEntry(a, 'x')!, 'k', [1, 2])]);
    expect(out).toBe('{"a": {"x": 1, "k": [1,2], "y": 2}}');
    expect(JSON.parse(out)).toEqual({ a: { x: 1, k: [1, 2], y: 2 } });
  });
});
