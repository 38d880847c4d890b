import path from 'node:path';
import ignore from 'ignore';
import type { FileModel } from '../model/types.js';
import type { Finding } from './types.js';

/** `# nixharden: ignore[NH003,unpinned-fetch] reason` */
const INLINE = /nixharden:\s*ignore\[([^\]]*)\]\s*(.*)$/;

export interface InlineSuppression {
  line: number;
  rules: string[];
  reason?: string;
}

/** Parses the file's comments for inline suppressions (Nix and nix.conf both use `#`). */
export function inlineSuppressions(file: FileModel): InlineSuppression[] {
  const out: InlineSuppression[] = [];
  for (const c of file.comments) {
    const m = INLINE.exec(c.text.replace(/\*\/\s*$/, ''));
    if (!m) continue;
    const rules = m[1]!
      .split(',')
      .map((r) => r.trim().toLowerCase())
      .filter(Boolean);
    const reason = m[2]!.replace(/^[:\-\u2013\u2014]\s*/, '').trim();
    out.push({ line: c.line, rules, ...(reason ? { reason } : {}) });
  }
  return out;
}

/** The inline suppression covering a finding: on its first line or the line before. */
export function matchInline(list: InlineSuppression[], finding: Pick<Finding, 'ruleId' | 'slug' | 'span'>): InlineSuppression | undefined {
  const line = finding.span.startLine;
  return list.find(
    (s) => (s.line === line || s.line === line - 1) && (s.rules.includes(finding.ruleId.toLowerCase()) || s.rules.includes(finding.slug)),
  );
}

/** A `[[ignore]]` entry of the config file. */
export interface IgnoreEntry {
  /** Rule id or slug. */
  rule: string;
  /** gitignore-style pattern relative to `baseDir`; absent means everywhere. */
  path?: string;
  reason?: string;
  /** Last day (YYYY-MM-DD, inclusive) the entry applies. */
  until?: string;
  /** Directory of the config file. */
  baseDir: string;
  /** `file:line` of the entry, for messages. */
  where: string;
}

export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  if (!entry.until) return false;
  // Inclusive: the entry still applies on its `until` day (UTC).
  return now.toISOString().slice(0, 10) > entry.until;
}

export function matchesIgnore(entry: IgnoreEntry, finding: Pick<Finding, 'ruleId' | 'slug'>, absPath: string): boolean {
  const rule = entry.rule.toLowerCase();
  if (rule !== finding.ruleId.toLowerCase() && rule !== finding.slug) return false;
  if (!entry.path) return true;
  const rel = path.relative(entry.baseDir, absPath).split(path.sep).join('/');
  if (rel === '' || rel.startsWith('../') || path.isAbsolute(rel)) return false;
  let matcher = matchers.get(entry);
  if (!matcher) {
    matcher = ignore().add(entry.path);
    matchers.set(entry, matcher);
  }
  return matcher.ignores(rel);
}

const matchers = new WeakMap<IgnoreEntry, ReturnType<typeof ignore>>();
