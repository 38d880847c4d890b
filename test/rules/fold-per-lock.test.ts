/**
 * The default profile folds NH018/NH019 per lock file: nixpkgs, home-manager, nix-darwin
 * and inputs whose modules the configuration uses keep their own findings; pedantic and
 * auditor list every input (real pipeline on a flake written to a temp dir).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzePaths } from '../../src/app/scan.js';

const OLD = 1_600_000_000;
const HASH = 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const REV = '0123456789abcdef0123456789abcdef01234567';
/** name → owner/repo; all on the default branch, all locked long ago. */
const INPUTS: Record<string, string> = {
  nixpkgs: 'NixOS/nixpkgs',
  'home-manager': 'nix-community/home-manager',
  agenix: 'ryantm/agenix',
  'flake-utils': 'numtide/flake-utils',
  systems: 'nix-systems/default',
  'nix-colors': 'misterio77/nix-colors',
};

function writeFlake(dir: string): void {
  const inputs = Object.entries(INPUTS)
    .map(([name, repo]) => `    ${name}.url = "github:${repo}";`)
    .join('\n');
  fs.writeFileSync(
    path.join(dir, 'flake.nix'),
    `{\n  inputs = {\n${inputs}\n  };\n  outputs = { nixpkgs, agenix, ... }: {\n    nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ agenix.nixosModules.default ]; };\n  };\n}\n`,
  );
  const node = (repo: string) => {
    const [owner, name] = repo.split('/');
    return { locked: { lastModified: OLD, narHash: HASH, owner, repo: name, rev: REV, type: 'github' }, original: { owner, repo: name, type: 'github' } };
  };
  const nodes: Record<string, unknown> = Object.fromEntries(Object.entries(INPUTS).map(([n, r]) => [n, node(r)]));
  // home-manager brings its own nixpkgs: a transitive node, folded with the rest.
  nodes['nixpkgs_2'] = node('NixOS/nixpkgs');
  (nodes['home-manager'] as { inputs?: unknown }).inputs = { nixpkgs: 'nixpkgs_2' };
  nodes['root'] = { inputs: Object.fromEntries(Object.keys(INPUTS).map((n) => [n, n])) };
  fs.writeFileSync(path.join(dir, 'flake.lock'), JSON.stringify({ nodes, root: 'root', version: 7 }, null, 2));
}

async function scan(profile: 'regular' | 'pedantic' | 'auditor') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fold-'));
  try {
    writeFlake(dir);
    const r = await analyzePaths([dir], { noConfig: true, root: dir, jobs: 1, profile, now: new Date('2026-01-01T00:00:00Z') });
    return r.findings.filter((f) => f.ruleId === 'NH018' || f.ruleId === 'NH019').map((f) => ({ rule: f.ruleId, file: path.basename(f.span.file), message: f.message, related: f.related?.length ?? 0 }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('regular: key inputs alone, the others one finding per file', async () => {
  const got = await scan('regular');
  const own = (rule: string) => got.filter((f) => f.rule === rule && f.related === 0).map((f) => /(?:input|node) (\S+)/.exec(f.message)![1]).sort();
  // flake.lock's one transitive node has nothing to fold with: it stays as it is.
  expect(own('NH018')).toEqual(['agenix', 'home-manager', 'home-manager/nixpkgs', 'nixpkgs']);
  expect(own('NH019')).toEqual(['agenix', 'home-manager', 'nixpkgs']);
  const folded18 = got.filter((f) => f.rule === 'NH018' && f.related > 0);
  expect(folded18).toHaveLength(1);
  expect(folded18[0]).toMatchObject({ file: 'flake.nix', related: 3 });
  expect(folded18[0]!.message).toMatch(/^flake inputs flake-utils, systems, nix-colors follow a branch or tag; .*--profile pedantic` lists each$/);
  const folded19 = got.filter((f) => f.rule === 'NH019' && f.related > 0);
  expect(folded19).toHaveLength(1);
  expect(folded19[0]).toMatchObject({ file: 'flake.lock', related: 4 });
  expect(folded19[0]!.message).toContain('home-manager/nixpkgs (');
});

test.each(['pedantic', 'auditor'] as const)('%s: every input has its own finding', async (profile) => {
  const got = await scan(profile);
  expect(got.every((f) => f.related === 0)).toBe(true);
  expect(got.filter((f) => f.rule === 'NH019')).toHaveLength(7);
  // Inputs in flake.nix; the transitive nixpkgs_2 in flake.lock.
  expect(got.filter((f) => f.rule === 'NH018')).toHaveLength(7);
});
