/**
 * `pin` output: JSON v1 (fields are only ever added; docs/pin.md lists them),
 * or a summary with the unified diff. A group's headline names the commit its
 * pins move to, which is the commit the diff shows; when every pin stays where
 * it is, the headline says so instead of naming a commit nothing moves to.
 */
import path from 'node:path';
import type { GroupOutcome, PinOutcome, PinPlan } from '../pin/plan-types.js';
import { escapeControl } from '../core/escape.js';
import { pinToJson } from '../model/pins.js';
import { reasonPhrase } from '../pin/select-commit.js';
import { sameRepo } from '../pin/source-url.js';

export function pinPlanToJson(plan: PinPlan, written: string[]): object {
  return {
    version: 1,
    update: plan.update,
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
      skipped: g.selection.skipped.map((r) => ({ rev: r.rev, reason: reasonPhrase(r) })),
    })),
    tags: plan.tags.map((t) => ({
      source: `${t.repo.owner}/${t.repo.repo}`,
      tag: t.tag,
      tagObject: t.selection.tagObject ?? null,
      rev: t.selection.rev,
      lastModified: t.selection.committedAt ?? null,
      explanation: t.selection.explanation,
      signedTag: t.selection.signedTag
        ? { verified: t.selection.signedTag.verified, reason: t.selection.signedTag.reason, detail: t.selection.signedTag.detail, signers: t.selection.signedTag.signers }
        : null,
      narHash: t.hashes?.sri ?? null,
      narHashBase32: t.hashes?.base32 ?? null,
    })),
    pins: plan.outcomes.map((o) => ({ ...pinToJson(o.pin), action: o.action, newRev: o.rev ?? null, branch: o.branch ?? null, tag: o.tag ?? null, message: o.message })),
    files: plan.files.filter((f) => f.after !== f.before || f.error).map((f) => ({ file: path.relative(process.cwd(), f.file), diff: f.diff, error: f.error ?? null })),
    written: written.map((f) => path.relative(process.cwd(), f)),
  };
}

function inGroup(o: PinOutcome, g: GroupOutcome): boolean {
  return o.tag === undefined && o.branch === g.branch && sameRepo(o.pin.github, g.repo);
}

/**
 * The group's line: the commit its pins are on after the run; or, without --update,
 * the accepted commit a pin moves to instead (a flake input following its kept lock
 * node); or that every pin stays.
 */
export function groupHeadline(g: GroupOutcome, outcomes: PinOutcome[]): string {
  const name = `${g.repo.owner}/${g.repo.repo} ${g.branch}`;
  const { rev, explanation } = g.selection;
  const mine = outcomes.filter((o) => inGroup(o, g));
  if (mine.some((o) => o.rev === rev)) return `${name}: ${rev} (${explanation})`;
  const kept = [...new Set(mine.filter((o) => o.action === 'pinned').map((o) => o.rev))];
  if (kept.length) return `${name}: ${kept.join(', ')}, the accepted commit already locked, kept without --update; the newest accepted commit is ${rev} (${explanation})`;
  return `${name}: no pin moves; the newest accepted commit is ${rev} (${explanation})`;
}

export function pinPlanToText(plan: PinPlan, written: string[], write: boolean): string {
  const out: string[] = [];
  for (const g of plan.groups) out.push(groupHeadline(g, plan.outcomes));
  for (const t of plan.tags) out.push(`${t.repo.owner}/${t.repo.repo} tag ${t.tag}: ${t.selection.rev} (${t.selection.explanation})`);
  // A pin that moves where its headline says needs no reason of its own.
  const headlined = new Set([...plan.groups.map((g) => g.selection.explanation), ...plan.tags.map((t) => t.selection.explanation)]);
  for (const o of plan.outcomes) {
    const what =
      o.action === 'pinned'
        ? `-> ${o.rev}${headlined.has(o.message) ? '' : ` (${o.message})`}`
        : o.action === 'unchanged'
          ? `unchanged${o.rev ? ` at ${o.rev}` : ''} (${o.message})`
          : `skipped: ${o.message}`;
    out.push(`  ${o.pin.file}:${o.pin.line}: ${o.pin.kind} ${o.pin.name} ${what}`);
  }
  // Names, messages and diffs come from the scanned files: nothing in them may drive the terminal.
  for (let i = 0; i < out.length; i++) out[i] = escapeControl(out[i]!);
  if (plan.outcomes.length === 0) out.push('no pins selected (default: nixpkgs pins; see --input and --all)');
  const diffs = plan.files.filter((f) => f.diff).map((f) => f.diff);
  if (!write && diffs.length) out.push('', ...diffs.map((d) => d.replace(/\n$/, '')));
  if (write) out.push(written.length ? `wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'nothing to change');
  else if (!diffs.length) out.push('nothing to change');
  return `${out.join('\n')}\n`;
}
