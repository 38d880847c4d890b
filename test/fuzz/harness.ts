/**
 * The fuzzing campaign's runner: one jest test per target, property-based with
 * fast-check. A target generates cases (`arbitrary`), may ask a real tool about a
 * whole batch of them at once (`oracle`: one nix-instantiate for 200 files, say),
 * and checks each case against the properties (`check` throws on a violation).
 *
 * Two modes:
 * - `npm test`: a short run, a few hundred cases per target from a fixed seed;
 * - `npm run fuzz` (scripts/fuzz.mjs): a long campaign, NIXHARDEN_FUZZ_CASES cases per
 *   target, in chunks whose seeds derive from NIXHARDEN_FUZZ_SEED, the target and the
 *   chunk number. After each chunk, progress and failures go to
 *   `<NIXHARDEN_FUZZ_STATE>/<target>.json`, so a stopped campaign resumes where it was.
 *
 * A failing case is shrunk by fast-check (the oracle asked again per shrunk case)
 * and reported with its seed; every one found is kept as a fixture under
 * fixtures/fuzz/<target>/ (replayed by `replayFixtures`) or as a regression case.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';

export interface FuzzTarget<T, A = undefined> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Answers of a real tool for a batch of cases, in order (one spawn for many cases). */
  oracle?: (cases: T[]) => A[] | Promise<A[]>;
  /** Throws when a property does not hold for `c` (given the oracle's answer). */
  check: (c: T, answer: A) => void | Promise<void>;
  /** Cases in `npm test` (default SHORT_CASES). */
  shortCases?: number;
  /** Cases per chunk of the long campaign, and per oracle batch (default 200). */
  chunk?: number;
  /** How a fixture file becomes a case (targets whose cases are text or bytes). */
  fromFixture?: (bytes: Buffer) => T;
}

export const SHORT_CASES = 300;
const SHORT_SEED = 20261202;

export interface TargetState {
  target: string;
  seed: number;
  /** Cases asked for. */
  goal: number;
  /** Cases run so far (whole chunks). */
  done: number;
  chunks: number;
  elapsedMs: number;
  failures: { chunkSeed: number; path?: string; counterexample: string; error: string }[];
}

/** Long-campaign settings from the environment, or undefined for the short run. */
function campaign(): { cases: number; seed: number; stateDir: string } | undefined {
  const stateDir = process.env.NIXHARDEN_FUZZ_STATE;
  if (!stateDir) return undefined;
  return { cases: Number(process.env.NIXHARDEN_FUZZ_CASES ?? 100_000), seed: Number(process.env.NIXHARDEN_FUZZ_SEED ?? 1), stateDir };
}

/** Targets selected by NIXHARDEN_FUZZ_TARGETS (comma-separated names), all when unset. */
function selected(name: string): boolean {
  const only = process.env.NIXHARDEN_FUZZ_TARGETS;
  return !only || only.split(',').some((n) => n.trim() === name);
}

/** A 31-bit seed from a base seed, the target's name and a chunk number (FNV-1a). */
export function chunkSeed(base: number, name: string, chunk: number): number {
  let h = 0x811c9dc5 ^ base;
  for (const c of `${name}#${chunk}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return (h >>> 1) & 0x7fffffff;
}

function keyOf(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Buffer.isBuffer(c)) return `buf:${c.toString('hex')}`;
  return fc.stringify(c);
}

/** Runs `n` cases from `seed`; returns the (shrunk) failure, if any. */
export async function runChunk<T, A>(t: FuzzTarget<T, A>, seed: number, n: number): Promise<TargetState['failures'][number] | undefined> {
  const memo = new Map<string, A>();
  const oracle = t.oracle;
  if (oracle) {
    const cases = fc.sample(t.arbitrary, { seed, numRuns: n });
    const answers = await oracle(cases);
    cases.forEach((c, i) => memo.set(keyOf(c), answers[i]!));
  }
  const answerFor = async (c: T): Promise<A> => {
    if (!oracle) return undefined as A;
    const k = keyOf(c);
    if (!memo.has(k)) memo.set(k, (await oracle([c]))[0]!);
    return memo.get(k)!;
  };
  const details = await fc.check(
    fc.asyncProperty(t.arbitrary, async (c) => {
      await t.check(c, await answerFor(c));
    }),
    { seed, numRuns: n, maxSkipsPerRun: 1000 },
  );
  if (!details.failed) return undefined;
  const error = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  return { chunkSeed: seed, path: details.counterexamplePath ?? undefined, counterexample: fc.stringify(details.counterexample?.[0]).slice(0, 20_000), error: error.slice(0, 4000) };
}

function readState(file: string, fresh: TargetState): TargetState {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as TargetState;
    // A different seed or target is a different campaign: start again.
    if (s.target === fresh.target && s.seed === fresh.seed) return { ...s, goal: fresh.goal };
  } catch {
    // no state yet
  }
  return fresh;
}

/** Registers the jest test of a target. */
export function fuzz<T, A>(t: FuzzTarget<T, A>): void {
  const long = campaign();
  if (!long) {
    it(`${t.name}: ${t.shortCases ?? SHORT_CASES} cases`, async () => {
      const failure = await runChunk(t, chunkSeed(SHORT_SEED, t.name, 0), t.shortCases ?? SHORT_CASES);
      if (failure) throw new Error(`${t.name} fails (seed ${failure.chunkSeed}, path ${failure.path}):\n${failure.counterexample}\n${failure.error}`);
    }, 300_000);
    return;
  }
  (selected(t.name) ? it : it.skip)(`${t.name}: campaign`, async () => {
    fs.mkdirSync(long.stateDir, { recursive: true });
    const file = path.join(long.stateDir, `${t.name}.json`);
    const state = readState(file, { target: t.name, seed: long.seed, goal: long.cases, done: 0, chunks: 0, elapsedMs: 0, failures: [] });
    const size = t.chunk ?? 200;
    while (state.done < state.goal) {
      const n = Math.min(size, state.goal - state.done);
      const started = Date.now();
      const failure = await runChunk(t, chunkSeed(state.seed, t.name, state.chunks), n);
      if (failure) state.failures.push(failure);
      state.done += n;
      state.chunks++;
      state.elapsedMs += Date.now() - started;
      fs.writeFileSync(file, `${JSON.stringify(state, null, 1)}\n`);
      if (state.chunks % 10 === 0 || state.done >= state.goal) {
        process.stderr.write(`fuzz ${t.name}: ${state.done}/${state.goal} cases, ${state.failures.length} failing chunks, ${Math.round(state.elapsedMs / 1000)} s\n`);
      }
    }
    expect(state.failures.map((f) => `seed ${f.chunkSeed}: ${f.error.split('\n')[0]}`)).toEqual([]);
  }, 7 * 24 * 3600_000);
}

/** Replays every file of fixtures/fuzz/<target>/ through the target's check (oracle included). */
export function replayFixtures<T, A>(t: FuzzTarget<T, A>): void {
  const dir = path.resolve('fixtures', 'fuzz', t.name);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.endsWith('.md')).sort() : [];
  if (files.length === 0 || !t.fromFixture || campaign()) return;
  const decode = t.fromFixture;
  it(`${t.name}: the ${files.length} cases the campaign found stay fixed`, async () => {
    const cases = files.map((f) => decode(fs.readFileSync(path.join(dir, f))));
    const answers = t.oracle ? await t.oracle(cases) : [];
    const broken: string[] = [];
    for (const [i, c] of cases.entries()) {
      try {
        await t.check(c, answers[i] as A);
      } catch (e) {
        broken.push(`${files[i]}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(broken).toEqual([]);
  });
}
