import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePaths } from '../../src/app/scan.js';
import { modelText } from './helpers.js';

/**
 * flake.lock structure against Nix 2.8's own reader (`nix flake metadata --offline`
 * on a flake whose lock matches its inputs: Nix parses the lock and fetches nothing).
 * Each broken lock gives one NH017 naming the JSON path, at the line of the bad value.
 */
const HASH = `sha256-${'A'.repeat(43)}=`;
type Lock = { version?: unknown; root?: unknown; nodes: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const base = (): Lock => ({
  nodes: {
    nixpkgs: {
      locked: { lastModified: 1735000000, narHash: HASH, owner: 'NixOS', repo: 'nixpkgs', rev: 'a'.repeat(40), type: 'github' },
      original: { owner: 'NixOS', ref: 'nixos-24.11', repo: 'nixpkgs', type: 'github' },
    },
    root: { inputs: { nixpkgs: 'nixpkgs', utils: 'utils' } },
    utils: {
      inputs: { nixpkgs: ['nixpkgs'] },
      locked: { lastModified: 1731533236, narHash: HASH, owner: 'numtide', repo: 'flake-utils', rev: 'b'.repeat(40), type: 'github' },
      original: { owner: 'numtide', repo: 'flake-utils', type: 'github' },
    },
  },
  root: 'root',
  version: 7,
});
const FLAKE =
  '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11"; inputs.utils.url = "github:numtide/flake-utils"; inputs.utils.inputs.nixpkgs.follows = "nixpkgs"; outputs = _: { }; }\n';

const locked = (l: Lock, node = 'nixpkgs') => l.nodes[node]!.locked as Record<string, unknown>;
const inputs = (l: Lock, node: string) => l.nodes[node]!.inputs as Record<string, unknown>;

/**
 * [name, mutation, expected message, a text on the line the problem points at, what Nix 2.8 does].
 * 'accepts': Nix 2.8 reads it although it cannot be right (noted per case).
 */
const cases: Array<[string, (l: Lock) => void, RegExp, string, 'rejects' | 'accepts' | 'crashes']> = [
  ['version is a string', (l) => (l.version = 'seven'), /^invalid flake\.lock: version must be a lock file version Nix reads \(5, 6 or 7\), not "seven"$/, '"version": "seven"', 'rejects'],
  ['version 8', (l) => (l.version = 8), /version must be a lock file version Nix reads .*, not 8$/, '"version": 8', 'rejects'],
  ['version 4', (l) => (l.version = 4), /version must be .*, not 4$/, '"version": 4', 'rejects'],
  ['no version', (l) => delete l.version, /^invalid flake\.lock: the file: missing "version"$/, '{', 'rejects'],
  ['root is a number', (l) => (l.root = 5), /^invalid flake\.lock: root must be string, not 5$/, '"root": 5', 'rejects'],
  // Nix 2.8 aborts (SIGABRT) on a root that names no node.
  ['root names no node', (l) => (l.root = 'nope'), /^invalid flake\.lock: root names the node "nope", which is not in "nodes"$/, '"root": "nope"', 'crashes'],
  ['dangling input', (l) => (inputs(l, 'root').utils = 'missing'), /^invalid flake\.lock: nodes\.root\.inputs\.utils refers to the node "missing", which is not in "nodes"$/, '"utils": "missing"', 'rejects'],
  ['input back to the root', (l) => (inputs(l, 'utils').self = 'root'), /nodes\.utils\.inputs\.self refers back to the root node/, '"self": "root"', 'rejects'],
  ['input is a number', (l) => (inputs(l, 'root').utils = 3), /nodes\.root\.inputs\.utils must be string or array, not 3$/, '"utils": 3', 'rejects'],
  // Newer Nix refuses it in LockFile::check ("follows a non-existent input"); 2.8 does not look.
  ['follows leads nowhere', (l) => (inputs(l, 'utils').nixpkgs = ['nope']), /nodes\.utils\.inputs\.nixpkgs follows "nope", which leads to no input$/, '"nixpkgs": [', 'accepts'],
  ['rev is a number', (l) => (locked(l).rev = 12345), /^invalid flake\.lock: nodes\.nixpkgs\.locked\.rev must be a full commit id \(40 or 64 lowercase hex digits\), not 12345$/, '"rev": 12345', 'rejects'],
  ['rev is a branch', (l) => (locked(l).rev = 'main'), /locked\.rev must be a full commit id .*, not "main"$/, '"rev": "main"', 'rejects'],
  ['lastModified is a string', (l) => (locked(l).lastModified = 'yesterday'), /locked\.lastModified must be a time in whole seconds since 1970/, '"lastModified": "yesterday"', 'rejects'],
  // Nix 2.8 casts these to uint64 and shows a meaningless date.
  ['lastModified out of range', (l) => (locked(l).lastModified = 99999999999999999999), /locked\.lastModified must be a time .*, not 100000000000000000000$/, '"lastModified": 99999999999999999999', 'accepts'],
  ['lastModified negative', (l) => (locked(l).lastModified = -5), /locked\.lastModified must be a time .*, not -5$/, '"lastModified": -5', 'accepts'],
  ['narHash is a number', (l) => (locked(l).narHash = 5), /locked\.narHash must be an SRI SHA-256 hash/, '"narHash": 5', 'rejects'],
  ['narHash is SHA-1', (l) => (locked(l).narHash = `sha1-${'A'.repeat(27)}=`), /locked\.narHash must be an SRI SHA-256 hash/, '"narHash": "sha1-', 'rejects'],
  ['narHash is not SRI', (l) => (locked(l).narHash = `sha256:${'0'.repeat(52)}`), /locked\.narHash must be an SRI SHA-256 hash/, '"narHash": "sha256:', 'rejects'],
  ['no locked', (l) => delete l.nodes.nixpkgs!.locked, /^invalid flake\.lock: nodes\.nixpkgs: missing "locked" \(every node but the root has one\)$/, '"nixpkgs": {', 'rejects'],
  ['no original', (l) => delete l.nodes.nixpkgs!.original, /nodes\.nixpkgs: missing "original"/, '"nixpkgs": {', 'rejects'],
  ['no type', (l) => delete locked(l).type, /^invalid flake\.lock: nodes\.nixpkgs\.locked: missing "type"$/, '"locked": {', 'rejects'],
  ['unknown type', (l) => (locked(l).type = 'svn'), /locked\.type must be one of github, gitlab, sourcehut, git, hg, tarball, file, path, indirect, not "svn"$/, '"type": "svn"', 'rejects'],
  ['github without owner', (l) => delete locked(l).owner, /nodes\.nixpkgs\.locked: missing "owner"$/, '"locked": {', 'rejects'],
  ['attribute is an object', (l) => (locked(l).extra = { a: 1 }), /locked\.extra must be string or integer or boolean, not \{"a":1\}$/, '"extra": {', 'rejects'],
  ['attribute is null', (l) => (locked(l).extra = null), /locked\.extra must be string or integer or boolean, not null$/, '"extra": null', 'rejects'],
  ['flake is a string', (l) => (l.nodes.nixpkgs!.flake = 'no'), /nodes\.nixpkgs\.flake must be boolean, not "no"$/, '"flake": "no"', 'rejects'],
  ['nodes is an array', (l) => ((l as Record<string, unknown>).nodes = []), /^invalid flake\.lock: nodes must be object, not \[\]$/, '"nodes": []', 'rejects'],
  ['a node is a number', (l) => ((l.nodes as Record<string, unknown>).nixpkgs = 5), /nodes\.nixpkgs must be object, not 5$/, '"nixpkgs": 5', 'rejects'],
  // Nix 2.8 reads no inputs from it, then wants to re-lock every input.
  ['inputs is an array', (l) => (l.nodes.root!.inputs = []), /nodes\.root\.inputs must be object, not \[\]$/, '"inputs": []', 'rejects'],
];

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nh-lock-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nixReads(lockText: string, name: string): 'accepts' | 'rejects' | 'crashes' {
  const flakeDir = path.join(dir, name.replace(/\W+/g, '-'));
  mkdirSync(flakeDir, { recursive: true });
  writeFileSync(path.join(flakeDir, 'flake.nix'), FLAKE);
  writeFileSync(path.join(flakeDir, 'flake.lock'), lockText);
  const r = spawnSync(
    'nix',
    ['--extra-experimental-features', 'nix-command flakes', 'flake', 'metadata', '--offline', '--no-update-lock-file', '--no-write-lock-file', `path:${flakeDir}`],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? 'accepts' : r.status === 1 ? 'rejects' : 'crashes';
}

const problemsOf = (text: string) => modelText(text, 'flake.lock').parseProblems;
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('the base lock is valid: Nix reads it and nixharden reports nothing', () => {
  const text = JSON.stringify(base(), null, 2);
  expect(problemsOf(text)).toEqual([]);
  expect(nixReads(text, 'valid')).toBe('accepts');
});

test.each(cases)('%s: one NH017 with the JSON path, at its line', (name, mutate, message, lineText, nix) => {
  const lock = base();
  mutate(lock);
  const text = JSON.stringify(lock, null, 2).replace('100000000000000000000', '99999999999999999999');
  const problems = problemsOf(text);
  expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
  expect(problems[0]!.span.startLine).toBe(lineOf(text, lineText));
  expect(nixReads(text, name)).toBe(nix);
});

test('a node that is broken leaves the other nodes checked: NH019 still reports the stale valid node', async () => {
  const lock = base();
  locked(lock).lastModified = 99999999999999999999;
  locked(lock, 'utils').rev = 12345;
  lock.version = 'seven';
  const flakeDir = path.join(dir, 'mixed');
  mkdirSync(flakeDir, { recursive: true });
  const text = JSON.stringify(lock, null, 2).replace('100000000000000000000', '99999999999999999999');
  writeFileSync(path.join(flakeDir, 'flake.lock'), text);
  const result = await analyzePaths([flakeDir], { noConfig: true, root: flakeDir, jobs: 1, now: new Date('2026-01-01T00:00:00Z') });
  const found = result.findings.filter((f) => f.ruleId === 'NH017' || f.ruleId === 'NH019').map((f) => `${f.ruleId}:${f.span.startLine}`);
  expect(found.sort()).toEqual(
    [
      `NH017:${lineOf(text, '"version"')}`,
      `NH017:${lineOf(text, '"lastModified": 99999999999999999999')}`,
      `NH017:${lineOf(text, '"rev": 12345')}`,
      `NH019:${lineOf(text, '"lastModified": 1731533236')}`,
    ].sort(),
  );
  expect(result.notes.filter((n) => n.kind === 'rule-error')).toEqual([]);
});

test('version 5 (lastModified and narHash under "info") and version 6 locks are valid', () => {
  for (const version of [5, 6]) {
    const lock = base();
    lock.version = version;
    if (version === 5) {
      const { lastModified, narHash, ...rest } = locked(lock);
      lock.nodes.nixpkgs!.locked = rest;
      lock.nodes.nixpkgs!.info = { lastModified, narHash };
    }
    const text = JSON.stringify(lock, null, 2);
    expect(problemsOf(text)).toEqual([]);
    expect(nixReads(text, `v${version}`)).toBe('accepts');
  }
});

test('a lock full of errors gives at most 50 problems and one line counting the rest', () => {
  const lock = base();
  for (let i = 0; i < 80; i++) lock.nodes[`n${i}`] = { locked: { type: 'github', owner: 'o', repo: 'r', rev: i }, original: { type: 'github', owner: 'o', repo: 'r' } };
  const problems = problemsOf(JSON.stringify(lock, null, 2));
  expect(problems).toHaveLength(51);
  expect(problems[50]!.message).toBe('invalid flake.lock: 30 more structure errors not shown');
});
