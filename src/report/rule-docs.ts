/**
 * Generates docs/rules/<id>-<slug>.md (one page per rule), docs/rules/<id>.md (a stub
 * that keeps the old links working) and docs/rules/README.md (the index) from
 * rules/*.yaml, so the docs never drift from the metadata.
 * Run: `node dist/report/rule-docs.js` (writes) or `node dist/report/rule-docs.js --check`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleHelpMarkdown } from './rule-help.js';
import { defaultRulesDir, loadRuleMetas, ruleKey } from '../rules/meta.js';
import type { RuleMeta } from '../rules/types.js';

export const defaultDocsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'rules');

const GENERATED = '<!-- Generated from rules/*.yaml by src/report/rule-docs.ts; do not edit. -->';

export function renderRulePage(r: RuleMeta): string {
  const k = ruleKey(r);
  return [`# ${r.id}: ${r.title}`, '', GENERATED, '', ruleHelpMarkdown(r), '', `Metadata: [rules/${k}.yaml](../../rules/${k}.yaml) · logic: [src/rules/checks/${k}.ts](../../src/rules/checks/${k}.ts) · fixtures: [fixtures/rules/${k}/](../../fixtures/rules/${k}/)${r.fix === 'safe' || r.fix === 'unsafe' ? ` · fix fixtures: [fixtures/fix/${k}/](../../fixtures/fix/${k}/)` : ''}`, ''].join('\n');
}

/** docs/rules/<id>.md: where links from before the pages were keyed by <id>-<slug> still land. */
export function renderRedirectStub(r: RuleMeta): string {
  return [`# ${r.id}: ${r.title}`, '', GENERATED, '', `This page moved to [${ruleKey(r)}.md](${ruleKey(r)}.md).`, ''].join('\n');
}

export function renderIndex(rules: readonly RuleMeta[]): string {
  return [
    '# nixharden rules',
    '',
    GENERATED,
    '',
    '| ID | Slug | Severity | Category | Fix | Title |',
    '|---|---|---|---|---|---|',
    ...rules.map((r) => `| [${r.id}](${ruleKey(r)}.md) | ${r.slug} | ${r.severity} | ${r.category} | ${r.fix && r.fix !== 'none' ? r.fix : ''} | ${r.title} |`),
    '',
  ].join('\n');
}

/** Every file docs/rules should contain, by name. */
export function renderDocs(rules: readonly RuleMeta[]): Map<string, string> {
  const files = new Map<string, string>([['README.md', renderIndex(rules)]]);
  for (const r of rules) {
    files.set(`${ruleKey(r)}.md`, renderRulePage(r));
    files.set(`${r.id}.md`, renderRedirectStub(r));
  }
  return files;
}

/** Names of files that are missing, different or extra in `docsDir`. */
export function staleDocs(docsDir: string = defaultDocsDir, rulesDir: string = defaultRulesDir): string[] {
  const want = renderDocs(loadRuleMetas(rulesDir));
  const stale: string[] = [];
  for (const [name, text] of want) {
    const p = path.join(docsDir, name);
    if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text) stale.push(name);
  }
  if (fs.existsSync(docsDir)) for (const name of fs.readdirSync(docsDir)) if (!want.has(name)) stale.push(name);
  return stale.sort();
}

export function writeDocs(docsDir: string = defaultDocsDir, rulesDir: string = defaultRulesDir): string[] {
  const want = renderDocs(loadRuleMetas(rulesDir));
  fs.mkdirSync(docsDir, { recursive: true });
  for (const [name, text] of want) fs.writeFileSync(path.join(docsDir, name), text);
  for (const name of fs.readdirSync(docsDir)) if (!want.has(name)) fs.rmSync(path.join(docsDir, name));
  return [...want.keys()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleDocs();
    if (stale.length) {
      process.stderr.write(`docs/rules is stale: ${stale.join(', ')}; run node dist/report/rule-docs.js\n`);
      process.exitCode = 1;
    }
  } else {
    process.stdout.write(`wrote ${writeDocs().length} files to docs/rules\n`);
  }
}
