/** `pin` output: JSON v1, or a summary with the unified diff. */
import path from 'node:path';
import type { PinPlan } from '../pin/plan-types.js';
import { pinToJson } from '../model/pins.js';

export function pinPlanToJson(plan: PinPlan, written: string[]): object {
  return {
    version: 1,
    branches: plan.groups.map((g) => ({
      source: `${g.repo.owner}/${g.repo.repo}`,
      branch: g.branch,
      tip: g.selection.tip,
      rev: g.selection.rev,
      behind: g.selection.behind,
      lastModified: g.selection.committedAt ?? null,
      explanation: g.selection.explanation,
      narHash: g.hashes?.sri ?? null,
      narHashBase32: g.hashes?.base32 ?? null,
    })),
    pins: plan.outcomes.map((o) => ({ ...pinToJson(o.pin), action: o.action, newRev: o.rev ?? null, branch: o.branch ?? null, message: o.message })),
    files: plan.files.filter((f) => f.after !== f.before || f.error).map((f) => ({ file: path.relative(process.cwd(), f.file), diff: f.diff, error: f.error ?? null })),
    written: written.map((f) => path.relative(process.cwd(), f)),
  };
}

export function pinPlanToText(plan: PinPlan, written: string[], write: boolean): string {
  const out: string[] = [];
  for (const g of plan.groups) {
    out.push(`${g.repo.owner}/${g.repo.repo} ${g.branch}: ${g.selection.rev} (${g.selection.explanation})`);
  }
  for (const o of plan.outcomes) {
    const what = o.action === 'pinned' ? `-> ${o.rev}` : o.action === 'unchanged' ? `unchanged (${o.message})` : `skipped: ${o.message}`;
    out.push(`  ${o.pin.file}:${o.pin.line}: ${o.pin.kind} ${o.pin.name} ${what}`);
  }
  if (plan.outcomes.length === 0) out.push('no pins selected (default: nixpkgs pins; see --input and --all)');
  const diffs = plan.files.filter((f) => f.diff).map((f) => f.diff);
  if (!write && diffs.length) out.push('', ...diffs.map((d) => d.replace(/\n$/, '')));
  if (write) out.push(written.length ? `wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'nothing to change');
  else if (!diffs.length) out.push('nothing to change');
  return `${out.join('\n')}\n`;
}
