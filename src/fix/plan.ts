/**
 * From findings to files: choose the fixes of the requested tier, drop duplicate edits
 * (two findings on one setting share its rename), refuse fixes that overlap one already
 * chosen, then let the edit engine apply, guard (Nix's parser / JSON) and diff per file.
 * A fix that would break its file is left out on its own (with the fixes of its group),
 * so the file's other fixes are still made.
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

/** One finding's chosen fix, with the edits it needs (shared ones included). */
interface Member {
  finding: Finding;
  files: string[];
  edits: TextEdit[];
}

/** Fixes that are applied together or not at all: one finding's, or every fix of one group in one file. */
interface Unit {
  members: Member[];
  group?: string;
}

/** Works out what `--fix` / `--fix=unsafe` would change, writing nothing. */
export function planFixes(result: ScanResult, mode: FixMode, guard: EditGuard = guardForFile()): FixPlan {
  const absOf = new Map(result.files.map((f) => [f.file, f.absPath]));
  const texts = new Map(result.files.map((f) => [f.absPath, { original: f.text }]));
  const chosen: TextEdit[] = [];
  const owner = new Map<TextEdit, Finding>();
  const pending: Array<{ finding: Finding; files: string[]; status: FixStatus }> = [];
  const units = new Map<string, Unit>();
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
    const key = fix.group && files.length === 1 ? `${files[0]}\0${fix.group}` : `\0${units.size}`;
    const unit = units.get(key) ?? { members: [], ...(fix.group ? { group: fix.group } : {}) };
    unit.members.push({ finding, files, edits });
    units.set(key, unit);
  }
  const { files, refused } = planUnits([...units.values()], texts, guard);
  const fixed = pending.map(({ finding, files: fs, status }) => {
    const reason = status.state === 'planned' ? refused.get(finding) : undefined;
    return { finding, files: fs, status: reason ? { ...status, state: 'refused' as const, reason } : status };
  });
  return { files, fixed };
}

/**
 * Plans every unit; when a file's edits together would break it (Nix's parser, JSON), finds the
 * units that do, leaves them out with a reason naming the edit and the problem, and keeps the
 * others. Repeats until every file passes, as a unit left out may have edited other files too.
 */
function planUnits(all: Unit[], texts: ReadonlyMap<string, { original: string }>, guard: EditGuard): { files: FileEditResult[]; refused: Map<Finding, string> } {
  const opts = { diffRoot: process.cwd() };
  const refused = new Map<Finding, string>();
  const edited = (units: Unit[], file?: string): TextEdit[] => units.flatMap((u) => u.members.flatMap((m) => m.edits)).filter((e) => file === undefined || e.file === file);
  const tryFile = (file: string, edits: TextEdit[]): string | undefined => planFileEdits(new Map([[file, texts.get(file)!]]), edits, guard, opts)[0]?.error;
  let live = all;
  for (;;) {
    const files = planFileEdits(texts, edited(live), guard, opts);
    const broken = files.filter((f) => f.error && texts.has(f.file));
    const dropped = new Set<Unit>();
    for (const { file } of broken) {
      // Add the file's units one by one, in finding order; each that breaks the file stays out.
      const kept: Unit[] = [];
      for (const unit of live.filter((u) => edited([u], file).length > 0 && !dropped.has(u))) {
        const problem = tryFile(file, edited([...kept, unit], file));
        if (!problem) {
          kept.push(unit);
          continue;
        }
        dropped.add(unit);
        explainRefusal(unit, problem, texts.get(file)!.original, (edit) => tryFile(file, [...edited(kept, file), edit]), refused);
      }
    }
    if (dropped.size === 0) return { files, refused };
    live = live.filter((u) => !dropped.has(u));
  }
}

/**
 * Says, for each finding of a refused unit, which edit cannot be made and why: the first edit
 * that breaks the file on its own; the unit's other members go with it, and say so.
 */
function explainRefusal(unit: Unit, problem: string, text: string, alone: (edit: TextEdit) => string | undefined, refused: Map<Finding, string>): void {
  let culprit: { member: Member; edit: TextEdit; problem: string } | undefined;
  for (const member of unit.members) {
    for (const edit of member.edits) {
      const p = culprit ? undefined : alone(edit);
      if (p) culprit = { member, edit, problem: p };
    }
  }
  const why = culprit ? blame(culprit.edit, culprit.problem, text) : `${problem} (together with the fixes before it in the file)`;
  for (const member of unit.members) {
    if (!culprit || member === culprit.member) refused.set(member.finding, why);
    else {
      const other = culprit.member.finding;
      refused.set(member.finding, `goes with the ${other.ruleId} fix at line ${other.span.startLine}, which cannot be made (both set ${unit.group}; fixing one alone would leave two different values)`);
    }
  }
}

/** `the edit at line 3 ("nix.useSandbox" → "nix.settings.sandbox") would …`, from the guard's "the edit would …". */
function blame(edit: TextEdit, problem: string, text: string): string {
  const clip = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 39)}…` : s);
  const line = text.slice(0, edit.startOffset).split('\n').length;
  const what = `the edit at line ${line} (${clip(text.slice(edit.startOffset, edit.endOffset))} → ${clip(edit.replacement)})`;
  return problem.startsWith('the edit ') ? `${what} ${problem.slice('the edit '.length)}` : `${what}: ${problem}`;
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
