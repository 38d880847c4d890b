import { Option } from 'commander';
import type { Register } from './types.js';

export const register: Register = (program) => {
  program
    .command('rules')
    .description('list the rules nixharden checks')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }) => {
      const { docsPath, docsUrl, loadRuleMetas } = await import('../rules/meta.js');
      const metas = loadRuleMetas();
      if (flags.format === 'json') {
        const list = metas.map((m) => ({ ...m, docs: docsPath(m), helpUri: docsUrl(m) }));
        process.stdout.write(`${JSON.stringify({ version: 1, rules: list }, null, 2)}\n`);
        return;
      }
      const rows = metas.map((m) => [m.id, m.severity, m.category, m.slug, m.title]);
      const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['ID', 'SEVERITY', 'CATEGORY', 'SLUG'][i]!.length));
      const line = (r: string[]): string => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
      process.stdout.write(`${[line(['ID', 'SEVERITY', 'CATEGORY', 'SLUG', 'TITLE']), ...rows.map(line)].join('\n')}\n`);
    });
};
