/**
 * The rules: metadata from rules/<id>-<slug>.yaml, logic from the module of the same
 * key in src/rules/checks/<id>-<slug>.ts, found by reading the folder (no hand-kept
 * import map). A rule with metadata and no logic, or logic with no metadata, is an
 * error: a rule must never be silently skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';
import { defaultRulesDir, loadRuleMetas, ruleKey } from './meta.js';
import type { RuleCheck, RuleMeta } from './types.js';

/** A rule ready to run: its metadata and its logic. */
export interface LoadedRule {
  meta: RuleMeta;
  check: RuleCheck;
}

/** The checks folder beside this module: src/rules/checks under ts-jest, dist/rules/checks when built. */
export const defaultChecksDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'checks');

/** `NH003-trusted-store-url.ts` / `.js`; helpers (util.ts, pin-sites.ts) have no rule key. */
const CHECK_FILE = /^(NH\d{3}-[a-z0-9-]+)\.(?:ts|js)$/;

/** Rule keys (`NH003-trusted-store-url`) that have a logic module in `dir`, by key. */
export function checkModules(dir: string = defaultChecksDir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of fs.readdirSync(dir)) {
    const m = CHECK_FILE.exec(name);
    if (m && !name.endsWith('.d.ts')) out.set(m[1]!, path.join(dir, name));
  }
  return out;
}

/** Loads every rule with its logic. */
export async function loadRules(rulesDir: string = defaultRulesDir, checksDir: string = defaultChecksDir): Promise<LoadedRule[]> {
  const metas = loadRuleMetas(rulesDir);
  const modules = checkModules(checksDir);
  const keys = new Set(metas.map(ruleKey));
  for (const key of modules.keys()) {
    if (!keys.has(key)) throw new UserError(`rule logic src/rules/checks/${key}.ts has no rules/${key}.yaml`);
  }
  // One at a time: the modules share their imports, and concurrent first imports of a shared
  // module trip jest's ESM loader; in Node the second import of a module is a cache hit anyway.
  const rules: LoadedRule[] = [];
  for (const meta of metas) {
    const file = modules.get(ruleKey(meta));
    if (!file) throw new UserError(`rule ${meta.id} (${meta.slug}) has no logic module src/rules/checks/${ruleKey(meta)}.ts`);
    const mod = (await import(`./checks/${path.basename(file).replace(/\.ts$/, '.js')}`)) as { check?: RuleCheck };
    if (typeof mod.check !== 'function') throw new UserError(`src/rules/checks/${ruleKey(meta)}.ts exports no check function`);
    rules.push({ meta, check: mod.check });
  }
  return rules;
}
