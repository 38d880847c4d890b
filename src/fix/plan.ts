/**
 * From findings to files: choose the fixes of the requested tier, drop duplicate edits
 * (two findings on one setting share its rename), refuse fixes that overlap one already
 * chosen, then let the edit engine apply, guard (Nix's parser / JSON) and diff per file.
 */
import path from 'node:path';
import { guardForFile } from '../edit/guards.js';
import { planFileEdits, writePlannedEdits, type EditGuard, type FileEditResult } from '../edit/plan.js';
import type { TextEdit } from '../core/text-edit.js';
import type { ScanResult } from '../rules/result.js';
import type { Finding, FixStatus } from '../rules/types.js';

export type FixMode = 'safe' | 'unsafe';

export interface FixPlan {
  /** Per changed file: before/after text, diff, or why it is refused. */
  files: FileEditResult[];
  /** Every finding that offered a fix in the chosen tier, with what happens to it. */
  fixed: Array<{ finding: Finding; status: FixStatus; /** Absolute paths the fix edits. */ files: string[] }>;
}

export function tierAllowed(tier: 'safe' | 'unsafe', mode: FixMode): boolean {
  return tier === 'safe' || mode === 'unsafe';
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.file !== b.file) return false;
  if (a.startOffset === a.endOffset || b.startOffset === b.endOffset) return a.startOffset === b.startOffset || (a.startOffset > b.startOffset && a.startOffset < b.endOffset) || (b.startOffset > a.startOffset && b.startOffset < a.endOffset);
  return a.startOffset < b.endOffset && b.startOffset < a.endOffset;
}

const same = (a: TextEdit, b: TextEdit): boolean => a.file === b.file && a.startOffset === b.startOffset && a.endOffset === b.endOffset && a.replacement === b.replacement;

/** Works out what `--fix` / `--fix=unsafe` would change, writing nothing. */
export function planFixes(result: ScanResult, mode: FixMode, guard: EditGuard = guardForFile()): FixPlan {
  const absOf = new Map(result.files.map((f) => [f.file, f.absPath]));
  const texts = new Map(result.files.map((f) => [f.absPath, { original: f.text }]));
  const chosen: TextEdit[] = [];
  const owner = new Map<TextEdit, Finding>();
  const pending: Array<{ finding: Finding; files: string[]; status: FixStatus }> = [];
  for (const finding of result.findings) {
    const fix = finding.fix;
    if (!fix || !tierAllowed(fix.tier, mode) || fix.edits.length === 0) continue;
    const edits = fix.edits.map((e) => ({ ...e, file: absOf.get(e.file) ?? path.resolve(result.root, e.file) }));
    const fresh = edits.filter((e) => !chosen.some((c) => same(c, e)));
    const clash = fresh.find((e) => chosen.some((c) => overlaps(c, e)));
    const files = [...new Set(edits.map((e) => e.file))];
    if (clash) {
      const other = owner.get(chosen.find((c) => overlaps(c, clash))!);
      const reason = `overlaps the ${other?.ruleId ?? 'other'} fix at the same place, which goes first; scan again afterwards`;
      pending.push({ finding, files, status: { state: 'conflict', tier: fix.tier, description: fix.description, reason } });
      continue;
    }
    for (const e of fresh) owner.set(e, finding);
    chosen.push(...fresh);
    pending.push({ finding, files, status: { state: 'planned', tier: fix.tier, description: fix.description } });
  }
  const files = planFileEdits(texts, chosen, guard, { diffRoot: process.cwd() });
  const byFile = new Map(files.map((f) => [f.file, f]));
  const fixed = pending.map(({ finding, files: fs, status }) => {
    if (status.state !== 'planned') return { finding, status, files: fs };
    const refused = fs.map((f) => byFile.get(f)).find((r) => r?.error);
    return { finding, files: fs, status: refused ? { ...status, state: 'refused' as const, reason: refused.error } : status };
  });
  return { files, fixed };
}

/**
 * Writes the plan (atomically, and only files unchanged since they were read) and turns
 * each planned fix into `applied`, or `refused` with the reason its file was not written.
 */
export async function applyFixPlan(plan: FixPlan): Promise<FixPlan> {
  const { skipped } = await writePlannedEdits(plan.files);
  const why = new Map(skipped.map((s) => [s.file, s.reason]));
  const fixed = plan.fixed.map(({ finding, status, files }) => {
    if (status.state !== 'planned') return { finding, status, files };
    const reason = files.map((f) => why.get(f)).find((r) => r !== undefined);
    return { finding, files, status: reason ? { ...status, state: 'refused' as const, reason } : { ...status, state: 'applied' as const } };
  });
  return { files: plan.files, fixed };
}
