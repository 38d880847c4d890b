import { UserError } from '../core/errors.js';
import { checks } from './checks/index.js';
import { defaultRulesDir, loadRuleMetas } from './meta.js';
import type { RuleCheck, RuleMeta } from './types.js';

/** A rule ready to run: its metadata from rules/*.yaml and its logic from src/rules/checks/. */
export interface LoadedRule {
  meta: RuleMeta;
  check: RuleCheck;
}

/** Loads all rules; metadata without logic (or logic without metadata) is an error, not a silent skip. */
export function loadRules(dir: string = defaultRulesDir, registry: Readonly<Record<string, RuleCheck>> = checks): LoadedRule[] {
  const metas = loadRuleMetas(dir);
  const bySlug = new Set(metas.map((m) => m.slug));
  for (const slug of Object.keys(registry)) {
    if (!bySlug.has(slug)) throw new UserError(`rule logic "${slug}" has no rules/<id>-${slug}.yaml`);
  }
  return metas.map((meta) => {
    const check = registry[meta.slug];
    if (!check) throw new UserError(`rule ${meta.id} (${meta.slug}) has no logic module src/rules/checks/${meta.slug}.ts`);
    return { meta, check };
  });
}
