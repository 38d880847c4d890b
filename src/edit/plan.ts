import path from 'node:path';
import { UserError } from '../core/errors.js';
import { applyEdits } from './apply.js';
import { writeFileAtomic } from '../core/fs.js';
import { unifiedDiff } from './diff.js';
import type { TextEdit } from '../core/text-edit.js';

/** Re-parses edited text; returns why it is broken, or undefined when it is fine. */
export type EditGuard = (file: string, newText: string) => string | undefined;

export interface FileEditResult {
  file: string;
  before: string;
  /** The edited text; equal to `before` when `error` is set, so nothing broken can be written by mistake. */
  after: string;
  /** Unified diff (a/ b/ prefixes) relative to `diffRoot`; empty when unchanged or refused. */
  diff: string;
  /** Why this file's edits were refused (overlap, bad span, parse error introduced). */
  error?: string;
}

export interface PlanOptions {
  /** Paths in diffs are made relative to this directory (default: the current directory). */
  diffRoot?: string;
}

/**
 * Works out, per file, what applying `edits` would produce, without writing.
 * `files` maps each file (as the edits name it) to the text it was read as.
 * A file is refused as a whole (with `error`) when its edits overlap, point
 * outside it, or when `guard` says the result no longer parses: one broken
 * fix must not break the file. Files are returned in path order.
 */
export function planFileEdits(
  files: ReadonlyMap<string, { original: string }>,
  edits: readonly TextEdit[],
  guard?: EditGuard,
  opts: PlanOptions = {},
): FileEditResult[] {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const key = files.has(e.file) ? e.file : path.resolve(e.file);
    const list = byFile.get(key) ?? [];
    list.push(e);
    byFile.set(key, list);
  }
  const root = opts.diffRoot ?? process.cwd();
  const results: FileEditResult[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const entry = files.get(file);
    const fileEdits = byFile.get(file)!;
    if (!entry) {
      results.push({ file, before: '', after: '', diff: '', error: 'file was not read before editing' });
      continue;
    }
    const before = entry.original;
    let after: string;
    try {
      after = applyEdits(before, fileEdits);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      results.push({ file, before, after: before, diff: '', error: err.message });
      continue;
    }
    const problem = after === before ? undefined : guard?.(file, after);
    if (problem) {
      // Say whether the edit broke the file or it was broken already (then no edit can be checked).
      const already = guard?.(file, before);
      results.push({ file, before, after: before, diff: '', error: already ? `not editing a file that does not parse: ${already}` : problem });
      continue;
    }
    const rel = path.isAbsolute(file) ? path.relative(root, file) : file;
    results.push({ file, before, after, diff: unifiedDiff(rel, before, after) });
  }
  return results;
}

/**
 * Writes every planned file that changed and was not refused, atomically and
 * only if it still holds what was read. Returns the files written; a file
 * changed on disk meanwhile is reported in `skipped` with the reason, and the
 * others are still written.
 */
export async function writePlannedEdits(results: readonly FileEditResult[]): Promise<{ written: string[]; skipped: Array<{ file: string; reason: string }> }> {
  const written: string[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const r of results) {
    if (r.error) {
      skipped.push({ file: r.file, reason: r.error });
      continue;
    }
    if (r.after === r.before) continue;
    try {
      await writeFileAtomic(r.file, r.after, { expectedOriginal: r.before });
      written.push(r.file);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      skipped.push({ file: r.file, reason: err.message });
    }
  }
  return { written, skipped };
}
