import fs from 'node:fs';
import path from 'node:path';
import type { ConfigModel, FileModel } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';

/** Names of the root node's inputs in the flake.lock beside `file`, or undefined when there is none readable. */
function lockedRootInputs(file: FileModel, model: ConfigModel): Set<string> | undefined {
  const dir = path.dirname(file.absPath);
  const scanned = model.files.find((f) => f.kind === 'flake.lock' && path.dirname(f.absPath) === dir);
  let text = scanned?.text;
  if (text === undefined) {
    try {
      text = fs.readFileSync(path.join(dir, 'flake.lock'), 'utf8');
    } catch {
      return undefined;
    }
  }
  try {
    const doc = JSON.parse(text) as { root?: string; nodes?: Record<string, { inputs?: Record<string, unknown> }> };
    const root = doc.nodes?.[doc.root ?? 'root'];
    if (!root) return undefined;
    return new Set(Object.keys(root.inputs ?? {}));
  } catch {
    return undefined; // NH017 reports an unreadable lock
  }
}

/** NH025: flake.nix inputs that flake.lock does not know: the lock is out of date. */
export const check: RuleCheck = (file, ctx) => {
  if (!file.flakeInputs || file.flakeInputs.length === 0) return [];
  const known = lockedRootInputs(file, ctx.model);
  if (!known) return [];
  const out: RawFinding[] = [];
  for (const input of file.flakeInputs) {
    if (known.has(input.name)) continue;
    out.push({
      span: input.span,
      message: `flake input ${input.name} is not in flake.lock; the next evaluation locks whatever it resolves to then (run nix flake lock and review the change)`,
    });
  }
  return out;
};
