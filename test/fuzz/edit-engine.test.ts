/**
 * Fuzzing the edit engine through `--fix=unsafe` (fix/plan.ts → edit/): generated NixOS
 * configurations are scanned in memory, every fix is planned and applied, and the
 * result is checked. Properties, for every configuration Nix parses:
 * - a refused fix leaves the file as it was (the guard's job); refusals are allowed, as
 *   one fix may clash with another setting (issue #14 item 13: `nix.useSandbox` renamed
 *   next to an existing `nix.settings.sandbox`), and the campaign counts them;
 * - the fixed text parses, with the in-process parser and with `nix-instantiate --parse`
 *   (the oracle, asked once per batch for the inputs and the outputs);
 * - fixing again changes nothing (idempotence).
 */
import { nixosConfig } from './gen/nixos-config.js';
import { planFixes } from '../../src/fix/plan.js';
import { guardForFile, nixGuard } from '../../src/edit/guards.js';
import { buildFileModel } from '../../src/model/index.js';
import { loadRules } from '../../src/rules/registry.js';
import { DEFAULT_OPTIONS, runRules } from '../../src/rules/engine.js';
import type { ScanResult } from '../../src/rules/result.js';
import { nixSyntaxError } from '../../src/syntax/nix/index.js';
import { describeWithNix } from '../syntax/oracle.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { nixParseVerdicts, type NixVerdict } from './oracles/nix-parse.js';

const rules = await loadRules();
const FILE = '/fuzz/configuration.nix';
// The in-process parser guards; Nix's own verdict on the result is the oracle's, for a whole batch at once.
const guard = guardForFile(nixGuard(nixSyntaxError, () => ({ verdict: 'unavailable', reason: 'asked in batches by the oracle' })));

function scan(text: string): ScanResult {
  const file = buildFileModel({ file: 'configuration.nix', absPath: FILE, text, kind: 'nix' });
  const engine = runRules({ root: '/fuzz', files: [file], skipped: [] }, rules, { ...DEFAULT_OPTIONS, now: new Date('2026-01-01T00:00:00Z') });
  return {
    tool: { name: 'nixharden', version: '0.0.0' },
    root: '/fuzz',
    rules: rules.map((r) => r.meta),
    files: [{ file: 'configuration.nix', absPath: FILE, kind: 'nix', text }],
    findings: engine.findings,
    suppressed: engine.suppressed,
    belowThreshold: engine.belowThreshold,
    notes: engine.notes,
    selection: { minSeverity: 'info' },
  };
}

/** The text after one `--fix=unsafe`, or why the fix was refused. */
export function fixOnce(text: string): { after: string; error?: string } {
  const file = planFixes(scan(text), 'unsafe', guard).files.find((f) => f.file === FILE);
  return { after: file?.after ?? text, ...(file?.error ? { error: file.error } : {}) };
}

interface Verdicts {
  before: NixVerdict;
  after: NixVerdict;
}

export function checkFix(text: string, nix: Verdicts): void {
  if (!nix.before.accepted) return; // a generator slip: nothing to fix in a file Nix rejects
  const once = fixOnce(text);
  if (once.error) {
    if (once.after !== text) throw new Error(`a refused fix changed the text: ${once.error}`);
    return;
  }
  const problem = nixSyntaxError(once.after);
  if (problem) throw new Error(`the fixed text does not parse (in process): ${problem.message}\n${once.after}`);
  if (!nix.after.accepted) throw new Error(`the fixed text does not parse with Nix: ${nix.after.message}\n${once.after}`);
  const twice = fixOnce(once.after);
  if (twice.after !== once.after || twice.error) throw new Error(`fixing again changes the text${twice.error ? ` (${twice.error})` : ''}:\n${once.after}\n---\n${twice.after}`);
}

export const editTarget: FuzzTarget<string, Verdicts> = {
  name: 'edit-engine',
  arbitrary: nixosConfig,
  oracle: (texts) => {
    const verdicts = nixParseVerdicts([...texts, ...texts.map((t) => fixOnce(t).after)]);
    return texts.map((_, i) => ({ before: verdicts[i]!, after: verdicts[texts.length + i]! }));
  },
  check: checkFix,
  fromFixture: (b) => b.toString('utf8'),
  shortCases: 80,
};

describeWithNix('fuzz: the edit engine (--fix=unsafe, oracle: nix-instantiate --parse)', () => {
  fuzz(editTarget);
  replayFixtures(editTarget);
});
