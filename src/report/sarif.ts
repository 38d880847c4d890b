import { pathToFileURL } from 'node:url';
import { docsUrl } from '../rules/meta.js';
import type { ScanResult } from '../rules/result.js';
import type { Span } from '../core/span.js';
import type { Finding, RuleMeta, Severity } from '../rules/types.js';
import { fingerprints, repoRelative, Sources } from './common.js';
import { ruleHelpMarkdown, ruleHelpText } from './rule-help.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** GitHub code scanning ranks alerts by this number (as a string). */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** PascalCase name from the slug, as SARIF's reportingDescriptor.name suggests. */
function ruleName(slug: string): string {
  return slug.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

function ruleDescriptor(r: RuleMeta) {
  return {
    id: r.id,
    name: ruleName(r.slug),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text: ruleHelpText(r), markdown: ruleHelpMarkdown(r) },
    helpUri: docsUrl(r),
    defaultConfiguration: { level: level(r.severity) },
    properties: {
      tags: ['security', r.category],
      precision: r.confidence === 'high' ? 'high' : r.confidence === 'medium' ? 'medium' : 'low',
      'security-severity': SECURITY_SEVERITY[r.severity],
      'problem.severity': level(r.severity) === 'note' ? 'recommendation' : level(r.severity),
    },
  };
}

/** SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. */
export function renderSarif(result: ScanResult): string {
  const sources = new Sources(result);
  const rules = [...result.rules].sort((a, b) => a.id.localeCompare(b.id));
  // Findings of a rule that is not in the list (should not happen) still need a descriptor.
  for (const f of [...result.findings, ...result.suppressed]) {
    if (!rules.some((r) => r.id === f.ruleId))
      rules.push({ id: f.ruleId, slug: f.slug, category: f.category, severity: f.severity, confidence: f.confidence, title: f.title, rationale: f.title, remediation: '', references: [] });
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const physical = (span: Finding['span']) => {
    const abs = sources.absPath(span.file);
    const rel = abs ? repoRelative(result.root, abs) : span.file.startsWith('/') ? undefined : span.file.split('\\').join('/');
    const artifactLocation = rel
      ? { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT }
      : { uri: pathToFileURL(abs ?? span.file).href };
    const region: Record<string, unknown> = {
      startLine: Math.max(1, span.startLine),
      startColumn: Math.max(1, span.startColumn),
      endLine: Math.max(span.startLine, span.endLine, 1),
      endColumn: Math.max(1, span.endColumn),
    };
    if (region.endLine === region.startLine && (region.endColumn as number) < (region.startColumn as number)) region.endColumn = region.startColumn;
    const snippet = sources.line(span.file, span.startLine);
    if (snippet !== undefined) region.snippet = { text: snippet };
    return { artifactLocation, region };
  };
  // SARIF `fixes`: the same text edits `scan --fix` applies, as character-offset replacements.
  const sarifFix = (fix: NonNullable<Finding['fix']>) => {
    const byFile = new Map<string, NonNullable<Finding['fix']>['edits']>();
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    return {
      description: { text: `${fix.description} (${fix.tier === 'safe' ? 'nixharden scan --fix' : 'nixharden scan --fix=unsafe'})` },
      artifactChanges: [...byFile].map(([file, edits]) => ({
        artifactLocation: physical({ file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, startOffset: 0, endOffset: 0 }).artifactLocation,
        replacements: edits.map((e) => ({ deletedRegion: { charOffset: e.startOffset, charLength: e.endOffset - e.startOffset }, insertedContent: { text: e.replacement } })),
      })),
    };
  };
  const toResult = (f: Finding, fingerprint: string) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: level(f.severity),
    message: { text: f.message },
    locations: [{ physicalLocation: physical(f.span) }],
    ...(f.related?.length
      ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.span), message: { text: r.message } })) }
      : {}),
    ...(f.fix && f.fixStatus?.state !== 'applied' ? { fixes: [sarifFix(f.fix)] } : {}),
    partialFingerprints: { primaryLocationLineHash: fingerprint },
    ...(f.suppressed
      ? {
          suppressions: [
            { kind: f.suppressed.by === 'inline' ? 'inSource' : 'external', status: 'accepted', ...(f.suppressed.reason ? { justification: f.suppressed.reason } : {}) },
          ],
        }
      : {}),
    properties: { severity: f.severity, confidence: f.confidence, category: f.category },
  });
  const all = [...result.findings, ...result.suppressed];
  const fps = [...fingerprints(result.findings, sources), ...fingerprints(result.suppressed, sources)];
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: 'https://github.com/nixharden/nixharden',
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(result.root.endsWith('/') ? result.root : `${result.root}/`).href } },
        results: all.map((f, i) => toResult(f, fps[i]!)),
        // Skipped files, expired ignores and rule errors: what the run could not vouch for.
        invocations: [
          {
            executionSuccessful: !result.notes.some((n) => n.kind === 'rule-error'),
            toolExecutionNotifications: result.notes.map((n) => ({
              level: n.kind === 'rule-error' ? 'error' : n.kind === 'skipped' ? 'note' : 'warning',
              message: { text: n.message },
              descriptor: { id: n.kind },
              ...(n.kind === 'skipped' && n.where ? { locations: [{ physicalLocation: { artifactLocation: physical(unitSpan(n.where)).artifactLocation } }] } : {}),
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A span that only names a file (notes have no position). */
function unitSpan(file: string): Span {
  return { file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, startOffset: 0, endOffset: 0 };
}
