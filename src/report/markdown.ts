import { docsUrl } from '../rules/meta.js';
import type { ScanResult } from '../rules/result.js';
import type { Finding } from '../rules/types.js';
import { findingCounts, plural, safeMessage } from './common.js';

/** Table cells: no pipes or newlines may leak out of a cell. */
export function cell(s: string): string {
  return safeMessage(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

/** A table cell in a code span: backslashes are literal there, pipes still end the cell. */
export function codeCell(s: string): string {
  return `\`${safeMessage(s).replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}

/** What `--fix` did, or that a fix exists (PR readers decide whether to run it). */
function fixNote(f: Finding): string {
  const s = f.fixStatus;
  if (s?.state === 'applied') return ` (fixed, ${s.tier}: ${s.description})`;
  if (s && s.state !== 'planned') return ` (fix not applied: ${s.reason ?? s.state})`;
  if (f.fix) return ` (fix with ${f.fix.tier === 'safe' ? '--fix' : '--fix=unsafe'}: ${f.fix.description})`;
  return '';
}

function table(findings: readonly Finding[], withReason: boolean): string[] {
  const head = withReason ? '| Severity | Rule | Location | Message | Suppressed because |' : '| Severity | Rule | Location | Message |';
  const sep = withReason ? '|---|---|---|---|---|' : '|---|---|---|---|';
  return [
    head,
    sep,
    ...findings.map((f) => {
      const cols = [
        `**${f.severity}**`,
        `[${f.ruleId}](${docsUrl({ id: f.ruleId, slug: f.slug })}) ${cell(f.slug)}`,
        codeCell(`${f.span.file}:${f.span.startLine}:${f.span.startColumn}`),
        cell(f.message + fixNote(f)),
      ];
      if (withReason) cols.push(cell(`${f.suppressed?.by ?? ''}${f.suppressed?.reason ? `: ${f.suppressed.reason}` : ''}`));
      return `| ${cols.join(' | ')} |`;
    }),
  ];
}

/** A compact report for a pull-request comment. */
export function renderMarkdown(result: ScanResult): string {
  const { head, bySeverity } = findingCounts(result);
  const out = [
    `### nixharden: ${head ?? 'no findings'}`,
    '',
    [
      bySeverity.length ? bySeverity.join(', ') : '',
      `${plural(result.files.length, 'file')} scanned`,
      result.suppressed.length ? `${result.suppressed.length} suppressed` : '',
      result.belowThreshold ? `${result.belowThreshold} below ${result.selection.minSeverity}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    '',
  ];
  if (result.findings.length) out.push(...table(result.findings, false), '');
  if (result.suppressed.length) {
    out.push(`<details><summary>${plural(result.suppressed.length, 'suppressed finding')}</summary>`, '', ...table(result.suppressed, true), '', '</details>', '');
  }
  for (const n of result.notes) out.push(`> **Note:** ${cell(n.where ? `${n.where}: ${n.message}` : n.message)}`, '');
  return `${out.join('\n').trimEnd()}\n`;
}
