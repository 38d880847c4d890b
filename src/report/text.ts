import type { ScanResult } from '../rules/result.js';
import type { Finding, Severity } from '../rules/types.js';
import { findingCounts, plural, safeCodeLine, safeMessage, Sources } from './common.js';

export interface TextOptions {
  color: boolean;
}

/** Colour only for a terminal without NO_COLOR; FORCE_COLOR (not "0") forces it. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY;
}

const SEVERITY_COLOR: Record<Severity, string> = { critical: '1;31', high: '31', medium: '33', low: '36', info: '2' };

/** Human output: one code frame per finding, then a summary line. */
export function renderText(result: ScanResult, opts: TextOptions): string {
  const paint = (code: string, s: string): string => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sources = new Sources(result);
  const out: string[] = [];
  for (const f of result.findings) out.push(frame(f, sources, paint), '');
  for (const n of result.notes) out.push(`${paint('33', 'note')}: ${safeMessage(n.where ? `${n.where}: ${n.message}` : n.message)}`);
  if (result.notes.length) out.push('');
  out.push(summaryLine(result, paint));
  return `${out.join('\n')}\n`;
}

function frame(f: Finding, sources: Sources, paint: (c: string, s: string) => string): string {
  const { span } = f;
  const head = `${paint('1', f.ruleId)} ${paint(SEVERITY_COLOR[f.severity], f.severity)}${f.confidence !== 'high' ? ` (${f.confidence} confidence)` : ''}: ${safeMessage(f.message)}`;
  const lines = [head, `  --> ${safeMessage(span.file)}:${span.startLine}:${span.startColumn}`];
  const firstRaw = sources.line(span.file, span.startLine);
  const first = firstRaw === undefined ? undefined : safeCodeLine(firstRaw);
  if (first !== undefined) {
    const width = String(span.endLine).length;
    const gutter = (n?: number): string => paint('34', `${(n === undefined ? '' : String(n)).padStart(width)} |`);
    const single = span.endLine === span.startLine;
    const endCol = single ? Math.max(span.endColumn, span.startColumn + 1) : first.length + 1;
    lines.push(gutter());
    lines.push(`${gutter(span.startLine)} ${first}`);
    lines.push(`${gutter()} ${underline(first, span.startColumn, endCol, paint)}`);
    if (!single) {
      const lastRaw = sources.line(span.file, span.endLine);
      const last = lastRaw === undefined ? undefined : safeCodeLine(lastRaw);
      if (span.endLine > span.startLine + 1) lines.push(`${gutter()} ...`);
      if (last !== undefined) {
        const indent = last.length - last.trimStart().length + 1;
        lines.push(`${gutter(span.endLine)} ${last}`);
        lines.push(`${gutter()} ${underline(last, indent, Math.max(span.endColumn, indent + 1), paint)}`);
      }
    }
  }
  lines.push(`  = ${f.title} (${f.slug})`);
  const fixLine = describeFix(f);
  if (fixLine) lines.push(`  = ${safeMessage(fixLine)}`);
  return lines.join('\n');
}

/** What happened to the finding's fix, or that one is available. */
function describeFix(f: Finding): string | undefined {
  const s = f.fixStatus;
  if (s) {
    const head = `fix (${s.tier}): ${s.description}`;
    if (s.state === 'applied') return `fixed (${s.tier}): ${s.description}`;
    if (s.state === 'planned') return `${head} [shown in --diff, not written]`;
    return `${head} [not applied: ${s.reason ?? s.state}]`;
  }
  if (f.fix) return `fix available with ${f.fix.tier === 'safe' ? '--fix' : '--fix=unsafe'}: ${f.fix.description}`;
  return undefined;
}

/** Carets under [startCol, endCol) of `line`, keeping tabs so they line up. */
function underline(line: string, startCol: number, endCol: number, paint: (c: string, s: string) => string): string {
  const pad = line.slice(0, startCol - 1).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(endCol, line.length + 1) - startCol);
  return pad + paint('31', '^'.repeat(width));
}

function summaryLine(result: ScanResult, paint: (c: string, s: string) => string): string {
  const { head: count, bySeverity: parts } = findingCounts(result);
  const head = count === undefined ? paint('32', 'No findings') : paint('1', count);
  const rest = [
    result.suppressed.length ? `${result.suppressed.length} suppressed` : '',
    result.belowThreshold
      ? `${result.belowThreshold} below ${result.selection.profile ? `the ${result.selection.profile} profile` : result.selection.minSeverity}`
      : '',
    `${plural(result.files.length, 'file')} scanned`,
  ].filter(Boolean);
  return `${head}${parts.length ? ` (${parts.join(', ')})` : ''}; ${rest.join('; ')}`;
}
