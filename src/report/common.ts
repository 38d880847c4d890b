import { createHash } from 'node:crypto';
import path from 'node:path';
import { LineIndex } from '../core/span.js';
import { severityRank } from '../rules/engine.js';
import { remainingFindings, type ScanResult } from '../rules/result.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';

/** Per-file line lookups for frames and fingerprints, built lazily. */
export class Sources {
  private readonly indexes = new Map<string, LineIndex>();
  private readonly abs = new Map<string, string>();
  constructor(private readonly result: Pick<ScanResult, 'files'>) {
    for (const f of result.files) this.abs.set(f.file, f.absPath);
  }
  index(file: string): LineIndex | undefined {
    let idx = this.indexes.get(file);
    if (!idx) {
      const f = this.result.files.find((x) => x.file === file);
      if (!f) return undefined;
      idx = new LineIndex(f.text);
      this.indexes.set(file, idx);
    }
    return idx;
  }
  line(file: string, line: number): string | undefined {
    const idx = this.index(file);
    return idx && line >= 1 && line <= idx.lineCount ? idx.lineText(line) : undefined;
  }
  absPath(file: string): string | undefined {
    return this.abs.get(file);
  }
}

/**
 * GitHub's primaryLocationLineHash: stable when lines move, distinct for repeats.
 * Hash of rule id + the finding's line with whitespace normalised, plus the
 * occurrence index of that (rule, line text) pair within its file.
 */
export function fingerprints(findings: readonly Finding[], sources: Sources): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const text = (sources.line(f.span.file, f.span.startLine) ?? '').trim().replace(/\s+/g, ' ');
    const hash = createHash('sha256').update(`${f.ruleId}\0${text}`).digest('hex').slice(0, 16);
    const key = `${f.span.file}\0${hash}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `${hash}:${n}`;
  });
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Highest severity first, for summaries. */
export const SEVERITIES_DESC: Severity[] = [...SEVERITIES].sort((a, b) => severityRank(b) - severityRank(a));

/** A path relative to the scan root with `/` separators, or undefined when outside it. */
export function repoRelative(root: string, absPath: string): string | undefined {
  const rel = path.relative(root, absPath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * The headline count: "N fixed, M remaining" after `scan --fix` (fixed findings stay listed, marked
 * fixed), else "N findings" (no head when there are none); with the severities of those still standing.
 */
export function findingCounts(result: ScanResult): { head?: string; bySeverity: string[] } {
  const standing = remainingFindings(result);
  const counts = countBySeverity(standing);
  const bySeverity = SEVERITIES_DESC.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  if (result.fixed !== undefined) return { head: `${result.fixed} fixed, ${standing.length} remaining`, bySeverity };
  return { ...(standing.length ? { head: plural(standing.length, 'finding') } : {}), bySeverity };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Scanned files are untrusted: control characters (ANSI escapes, backspaces) and
 * bidi overrides in them must not reach a terminal or a rendered comment, where they
 * could hide or fake output. Code lines get U+FFFD (one column, so carets still line
 * up); messages get a visible escape.
 */
const UNSAFE_IN_CODE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export function safeCodeLine(s: string): string {
  return s.replace(UNSAFE_IN_CODE, '\ufffd');
}
export { escapeControl as safeMessage } from '../core/escape.js';
