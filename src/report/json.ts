import { docsUrl } from '../rules/meta.js';
import type { ScanResult } from '../rules/result.js';
import type { Finding, FixStatus } from '../rules/types.js';
import { countBySeverity, fingerprints, Sources } from './common.js';
import { remainingFindings } from '../rules/result.js';

/** Version of the JSON report format; docs/json-schema-v1.json describes it. */
export const JSON_REPORT_VERSION = 1;

function location(s: Finding['span']) {
  return { file: s.file, startLine: s.startLine, startColumn: s.startColumn, endLine: s.endLine, endColumn: s.endColumn };
}

function fixStatusJson(s: FixStatus) {
  return { state: s.state, tier: s.tier, description: s.description, ...(s.reason ? { reason: s.reason } : {}) };
}

function findingJson(f: Finding, fingerprint: string) {
  return {
    ruleId: f.ruleId,
    slug: f.slug,
    title: f.title,
    category: f.category,
    severity: f.severity,
    confidence: f.confidence,
    message: f.message,
    location: location(f.span),
    ...(f.related?.length ? { related: f.related.map((r) => ({ message: r.message, location: location(r.span) })) } : {}),
    fingerprint,
    docs: docsUrl({ id: f.ruleId, slug: f.slug }),
    ...(f.suppressed ? { suppression: { kind: f.suppressed.by, ...(f.suppressed.reason ? { reason: f.suppressed.reason } : {}) } } : {}),
    // The edits themselves stay out: offsets into the scanned text are no use to a consumer; --diff shows them.
    ...(f.fix ? { fix: { tier: f.fix.tier, description: f.fix.description } } : {}),
    ...(f.fixStatus ? { fixStatus: fixStatusJson(f.fixStatus) } : {}),
  };
}

/** The versioned machine-readable report (json-v1). */
export function renderJson(result: ScanResult): string {
  const sources = new Sources(result);
  const fp = fingerprints(result.findings, sources);
  const fpSuppressed = fingerprints(result.suppressed, sources);
  const doc = {
    version: JSON_REPORT_VERSION,
    tool: result.tool,
    findings: result.findings.map((f, i) => findingJson(f, fp[i]!)),
    suppressed: result.suppressed.map((f, i) => findingJson(f, fpSuppressed[i]!)),
    notes: result.notes.map((n) => ({ kind: n.kind, message: n.message, ...(n.where ? { where: n.where } : {}) })),
    summary: {
      files: result.files.length,
      findings: result.findings.length,
      suppressed: result.suppressed.length,
      belowThreshold: result.belowThreshold,
      minSeverity: result.selection.minSeverity,
      bySeverity: countBySeverity(result.findings),
      // After `scan --fix`: fixed findings stay in `findings`, marked fixStatus.state "applied".
      ...(result.fixed !== undefined ? { fixed: result.fixed, remaining: remainingFindings(result).length } : {}),
      rules: result.rules.map((r) => r.id),
      ...(result.configFile ? { configFile: result.configFile } : {}),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
