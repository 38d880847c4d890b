import { docsPath, docsUrl } from '../rules/meta.js';
import type { RuleMeta } from '../rules/types.js';

/** Plain-text help for one rule (explain, SARIF help.text). */
export function ruleHelpText(r: RuleMeta): string {
  const lines = [
    `${r.id} ${r.slug}: ${r.title}`,
    `Severity: ${r.severity}   Confidence: ${r.confidence}   Category: ${r.category}`,
    ...variants(r).map((v) => `  ${v}`),
    '',
    'Why it matters:',
    wrap(r.rationale),
    '',
    'How to fix:',
    wrap(r.remediation),
  ];
  if (r.fix === 'safe' || r.fix === 'unsafe') lines.push('', `Automatic fix: ${fixLine(r.fix)}`);
  if (r.example) lines.push('', 'Example that triggers it:', ...r.example.trimEnd().split('\n').map((l) => `    ${l}`));
  if (r.references.length) lines.push('', 'References:', ...r.references.map((u) => `  - ${u}`));
  lines.push('', `Docs: ${docsPath(r)} (${docsUrl(r)})`);
  return lines.join('\n');
}

/** Markdown help for one rule (SARIF help.markdown, and the body of docs/rules/<id>.md). */
export function ruleHelpMarkdown(r: RuleMeta): string {
  const parts = [
    `**${r.id} ${r.slug}** · severity: ${r.severity} · confidence: ${r.confidence} · category: \`${r.category}\``,
    ...(variants(r).length ? ['', ...variants(r).map((v) => `- ${v}`)] : []),
    '',
    '## What it finds',
    '',
    r.title + '.',
    '',
    '## Why it matters',
    '',
    r.rationale,
    '',
    '## How to fix',
    '',
    r.remediation,
  ];
  if (r.fix === 'safe' || r.fix === 'unsafe') parts.push('', `Automatic fix: ${fixLine(r.fix)}`);
  if (r.example) parts.push('', '## Example', '', '```nix', r.example.trimEnd(), '```');
  if (r.references.length) parts.push('', '## References', '', ...r.references.map((u) => `- <${u}>`));
  return parts.join('\n');
}

function fixLine(tier: 'safe' | 'unsafe'): string {
  return tier === 'safe'
    ? '`nixharden scan --fix` (safe tier: cannot break a working system; `--diff` shows it first).'
    : '`nixharden scan --fix=unsafe` (may change behaviour; each edit says why; `--diff` shows it first).';
}

function wrap(text: string, width = 88, indent = '  '): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}

/** The other severities and confidences a finding of this rule may take, and when (from its YAML). */
function variants(r: RuleMeta): string[] {
  return [
    ...Object.entries(r.severities ?? {}).map(([level, when]) => `severity ${level} when ${when}`),
    ...Object.entries(r.confidences ?? {}).map(([level, when]) => `confidence ${level} when ${when}`),
  ];
}
