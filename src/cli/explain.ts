import { UserError } from '../core/errors.js';
import type { Register } from './types.js';

export const register: Register = (program) => {
  program
    .command('explain')
    .description('explain one rule: what it finds, why it matters, how to fix it')
    .argument('<rule>', 'rule id (NH005) or slug (require-sigs-disabled)')
    .action(async (id: string) => {
      const [{ ruleHelpText }, { findRule, loadRuleMetas }] = await Promise.all([import('../report/rule-help.js'), import('../rules/meta.js')]);
      const rule = findRule(loadRuleMetas(), id);
      if (!rule) throw new UserError(`unknown rule "${id}"; run \`nixharden rules\` to list them`);
      process.stdout.write(`${ruleHelpText(rule)}\n`);
    });
};
