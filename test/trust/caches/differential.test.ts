/**
 * nixharden's cache verdicts against `nix store verify --sigs-needed N` on
 * real `file://` caches made by `nix copy` and `nix store sign`: for every
 * path and N = 1, 2, 3 both say the same. One path is signed by one key only,
 * one by two, one by three, and one has a tampered NarSize.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CacheLab, type NixKey } from './lab.js';
import { loadPolicy } from '../../../src/trust/policy/policy.js';
import { verifyCachePaths } from '../../../src/app/verify-cache.js';

let lab: CacheLab;
let paths: string[];
let keys: NixKey[];
let cache: { dir: string; url: string };

beforeAll(() => {
  lab = new CacheLab();
  paths = lab.buildPaths(5, 'differential');
  keys = ['k1', 'k2', 'k3'].map((n) => lab.key(n));
  cache = lab.cache('c');
  lab.copy(cache.url, paths, keys[0]);
  lab.storeSign(cache.url, paths.slice(1), keys[1]!);
  lab.storeSign(cache.url, paths.slice(2), keys[2]!);
  // paths[3]: all three keys, then its NarSize changed after signing.
  const f = lab.narinfoFile(cache.dir, paths[3]!);
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^NarSize: (\d+)$/m, (_, n: string) => `NarSize: ${Number(n) + 1}`));
  // paths[4]: its signatures by k1 and k2 replaced by one made for another path.
  const g = lab.narinfoFile(cache.dir, paths[4]!);
  const foreign = fs.readFileSync(lab.narinfoFile(cache.dir, paths[2]!), 'utf8').match(/^Sig: k1:.*$/m)![0];
  fs.writeFileSync(g, fs.readFileSync(g, 'utf8').replace(/^Sig: k1:.*$/m, foreign));
}, 300_000);

afterAll(() => lab?.cleanup());

test.each([1, 2, 3])('same verdicts as nix store verify --sigs-needed %i', async (n) => {
  const policyFile = path.join(lab.root, `policy-${n}.toml`);
  fs.writeFileSync(
    policyFile,
    `version = 1\n${keys.map((k, i) => `[[signers]]\nid = "s${i + 1}"\nkeys = ["${k.publicKey}"]\n`).join('')}[[caches]]\nurls = ["${cache.url}"]\n[[caches.rules]]\ntype = "threshold"\nmin = ${n}\nsigners = ["s1", "s2", "s3"]\n`,
  );
  const ours = await verifyCachePaths({ paths, policy: await loadPolicy(policyFile) });
  const theirs = paths.map((p) => lab.nixVerifies(cache.url, p, keys, n));
  expect(ours.map((r) => r.verified)).toEqual(theirs);
  // And the verdicts are the ones the setup implies (so the oracle is not trivially all-false).
  expect(theirs).toEqual([n <= 1, n <= 2, n <= 3, false, n <= 2]);
}, 120_000);
