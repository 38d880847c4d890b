import { buildFileModel } from '../../src/model/index.js';
import type { FileModel } from '../../src/model/types.js';
import { loadRules } from '../../src/rules/registry.js';
import { DEFAULT_OPTIONS } from '../../src/rules/engine.js';
import type { RuleOptions } from '../../src/rules/types.js';

/**
 * Rules that scan the whole file text must stay linear in its length: a hostile or merely large string literal
 * (base64 blobs, minified JS) once made a 100 KB file take 87 s. Each shape below is a run that an unanchored
 * `[class]+…` pattern would rescan from every offset.
 */
const SHAPES: Record<string, string> = {
  'name run (cache secret key pattern)': 'a',
  'dotted run (URL password pattern)': 'a.',
  'JWT-like run': 'eyJ-',
  'scheme run with :// (trusted store URL pattern)': 'a://',
  'trusted URL run': 'a://x?trusted=1',
  'key-like run': 'k-1:',
  'command-line flags (flag settings scan)': '--option a --no-sandbox ',
};
// Small needles after the run prove the rules still look at the text past it.
const NEEDLES = '  y = "https://user:hunter2@cache.example.org";\n  z = "nix copy --from https://c.example.org?trusted=1 x";\n';

const checks = Object.fromEntries((await loadRules()).map((r) => [r.meta.slug, r.check]));
const options: RuleOptions = { ...DEFAULT_OPTIONS, now: new Date('2026-06-01T00:00:00Z') };

function fileOf(unit: string, size: number): FileModel {
  const text = `{\n  x = "${unit.repeat(Math.ceil(size / unit.length))}";\n${NEEDLES}}\n`;
  return buildFileModel({ file: 'big.nix', absPath: '/repo/big.nix', text, kind: 'nix' });
}

/** Best of three runs of every text-scanning check, in ms (the best run is the least disturbed by other load). */
function timeChecks(file: FileModel): { ms: number; rules: Set<string> } {
  let best = Infinity;
  const rules = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    for (const [id, check] of Object.entries(checks)) {
      if (check(file, { model: { root: '/repo', files: [file], skipped: [] }, options }).length > 0) rules.add(id);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: best, rules };
}

describe('text-scanning rules are linear in the file size', () => {
  for (const [name, unit] of Object.entries(SHAPES)) {
    it(`${name}: 2 MB costs less than 30x 200 KB (quadratic would be ~100x)`, () => {
      const small = timeChecks(fileOf(unit, 200_000));
      const large = timeChecks(fileOf(unit, 2_000_000));
      // A floor keeps a sub-millisecond small run from turning timer noise into a huge ratio.
      expect(large.ms / Math.max(small.ms, 5)).toBeLessThan(30);
      // The needles after the run are still found at both sizes (NH015 and NH003).
      for (const r of [small.rules, large.rules]) {
        expect(r.has('inline-secret')).toBe(true);
        expect(r.has('trusted-store-url')).toBe(true);
      }
    }, 120_000);
  }
});
