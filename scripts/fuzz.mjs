#!/usr/bin/env node
/**
 * `npm run fuzz`: the long fuzzing campaign (docs/reliability.md). Runs the fuzz
 * targets of test/fuzz/ through jest with a case count, a seed and a state folder:
 *
 *   npm run fuzz                                  100,000 cases per target, seed 1
 *   npm run fuzz -- --cases 20000 --seed 7        another campaign
 *   npm run fuzz -- --targets nix-mutated,json-positions
 *   npm run fuzz -- --fresh                       forget the saved progress
 *
 * Progress and failures are saved after every chunk to .fuzz/<target>.json, so a
 * stopped campaign resumes where it was when run again with the same seed. At the end
 * it prints the cases run and the failing chunks per target.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    targets: { type: 'string' },
    state: { type: 'string', default: '.fuzz' },
    fresh: { type: 'boolean', default: false },
  },
});
const stateDir = path.resolve(values.state);
if (values.fresh) fs.rmSync(stateDir, { recursive: true, force: true });
fs.mkdirSync(stateDir, { recursive: true });

const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  NIXHARDEN_FUZZ_STATE: stateDir,
  NIXHARDEN_FUZZ_CASES: String(Number(values.cases)),
  NIXHARDEN_FUZZ_SEED: String(Number(values.seed)),
  ...(values.targets ? { NIXHARDEN_FUZZ_TARGETS: values.targets } : {}),
};
const jest = spawnSync('npx', ['jest', '--runInBand', 'test/fuzz/'], { stdio: 'inherit', env });

const rows = fs
  .readdirSync(stateDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(stateDir, f), 'utf8')))
  .sort((a, b) => a.target.localeCompare(b.target));
console.log('\ntarget                cases run      goal  failing chunks  seconds');
for (const s of rows) {
  console.log(`${s.target.padEnd(20)} ${String(s.done).padStart(10)} ${String(s.goal).padStart(9)} ${String(s.failures.length).padStart(15)} ${String(Math.round(s.elapsedMs / 1000)).padStart(8)}`);
}
process.exit(jest.status ?? 1);
