import { LineIndex } from '../../src/core/span.js';
import { loadRuleMetas } from '../../src/rules/meta.js';
import type { ScanResult } from '../../src/rules/result.js';
import type { Finding, Severity } from '../../src/rules/types.js';

export const metas = loadRuleMetas();

/** A finding on the first occurrence of `needle` in `text`, with the rule's real metadata. */
export function findingAt(file: string, text: string, needle: string, ruleId: string, extra: Partial<Finding> = {}): Finding {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`${needle} not in text`);
  const meta = metas.find((m) => m.id === ruleId)!;
  return {
    span: new LineIndex(text).span(file, start, start + needle.length),
    message: `${needle} is bad`,
    ruleId,
    slug: meta.slug,
    category: meta.category,
    severity: meta.severity,
    confidence: meta.confidence,
    title: meta.title,
    ...extra,
  };
}

export function resultOf(files: Record<string, string>, findings: Finding[], extra: Partial<ScanResult> = {}): ScanResult {
  return {
    tool: { name: 'nixharden', version: '0.1.0' },
    root: '/repo',
    rules: metas,
    files: Object.entries(files).map(([file, text]) => ({ file, absPath: `/repo/${file}`, kind: file.endsWith('.conf') ? 'nix.conf' : 'nix', text })),
    findings: findings.filter((f) => !f.suppressed),
    suppressed: findings.filter((f) => f.suppressed),
    belowThreshold: 0,
    notes: [],
    selection: { minSeverity: 'info' as Severity },
    ...extra,
  };
}
