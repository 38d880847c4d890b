import { UserError } from '../core/errors.js';
import type { Register } from './types.js';

export const register: Register = (program) => {
  program
    .command('explain')
    .description('explain one rule: what it finds, why it matters, how to fix it')
    .argument('<rule>', 'rule id (NH005) or slug (require-sigs-disabled)')
    .action(async (id: string) => {
      const [{ ruleHelpText }, { findRule }, { loadRules }] = await Promise.all([import('../report/rule-help.js'), import('../rules/meta.js'), import('../rules/registry.js')]);
      const rule = findRule(loadRules().map((r) => r.meta), id);
      if (!rule) throw new UserError(`unknown rule "${id}"; run \`nixharden rules\` to list them`);
      process.stdout.write(`${ruleHelpText(rule)}\n`);
    });
};
