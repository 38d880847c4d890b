/**
 * Mutation fuzzing against Nix's parser: random edits of the valid corpus
 * (deleting characters, inserting tokens), each file judged by
 * `nix-instantiate --parse` and by nixharden. Deterministic (fixed seeds).
 *
 * Invariants: a file Nix accepts never gets a parse problem (no exceptions); a
 * file Nix rejects for its syntax gets one, on Nix's line, in all but a few
 * exotic cases where tree-sitter's grammar is laxer than Nix's (e.g.
 * `{ a = 1; }or.b`), which the light parser leaves to tree-sitter.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { modelNixFile } from '../../src/model/nix-file.js';
import { describeWithNix } from './oracle.js';
import { NIX_TOKENS as TOKENS, validNixCorpus } from './nix-corpus.js';
import { SEMANTIC } from '../fuzz/oracles/nix-parse.js';

const corpus = validNixCorpus();

function* mutants(seed: number, count: number): Generator<string> {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  for (let k = 0; k < count; k++) {
    let t = corpus[Math.floor(rnd() * corpus.length)]!;
    for (let o = 0, n = 1 + Math.floor(rnd() * 2); o < n; o++) {
      const pos = Math.floor(rnd() * t.length);
      if (rnd() < 0.4) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rnd() * 3));
      else t = t.slice(0, pos) + TOKENS[Math.floor(rnd() * TOKENS.length)] + t.slice(pos);
    }
    yield t;
  }
}

describeWithNix('oracle: mutated Nix, judged by nix-instantiate --parse and by us', () => {
  it('never reports a problem in a file Nix accepts, and finds Nix\'s syntax errors on Nix\'s line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-fuzz-'));
    const tally = { accepted: 0, falseProblem: [] as string[], rejected: 0, missed: [] as string[], sameLine: 0 };
    try {
      let k = 0;
      for (const text of [...mutants(1, 90), ...mutants(2, 90)]) {
        const f = path.join(dir, `m${k++}.nix`);
        fs.writeFileSync(f, text);
        const nix = spawnSync('nix-instantiate', ['--parse', f], { encoding: 'utf8' });
        if (nix.status !== 0 && SEMANTIC.test(nix.stderr)) continue;
        const problems = modelNixFile({ file: 'm.nix', absPath: f, text }).parseProblems;
        if (nix.status === 0) {
          tally.accepted++;
          if (problems.length) tally.falseProblem.push(`${f}: ${problems[0]!.message}`);
          continue;
        }
        tally.rejected++;
        if (problems.length !== 1) {
          tally.missed.push(`${f}: ${nix.stderr.split('\n')[0]}`);
          continue;
        }
        const line = Number([...nix.stderr.matchAll(/at \S+?:(\d+):\d+/g)].pop()?.[1]);
        if (problems[0]!.span.startLine === line) tally.sameLine++;
      }
      expect(tally.falseProblem).toEqual([]);
      expect(tally.accepted).toBeGreaterThan(30);
      expect(tally.rejected).toBeGreaterThan(90);
      expect(tally.missed.length).toBeLessThanOrEqual(Math.ceil(tally.rejected * 0.02));
      expect(tally.sameLine).toBeGreaterThanOrEqual(Math.floor((tally.rejected - tally.missed.length) * 0.97));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
