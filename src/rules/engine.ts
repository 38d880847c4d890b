import type { ConfigModel, FileModel } from '../model/types.js';
import { systemsAt } from '../model/nested-systems.js';
import type { LoadedRule } from './registry.js';
import { inlineSuppressions, isExpired, matchInline, matchesIgnore, type IgnoreEntry } from './suppress.js';
import { SEVERITIES, type Confidence, type Finding, type RuleOptions, type Severity } from './types.js';

/** What the user's config decides about rules (see src/config/). */
export interface RulePolicy {
  /** Rule ids or slugs that do not run. */
  disable: string[];
  /** Per-rule severity override, keyed by id or slug. */
  severity: Record<string, Severity>;
  ignore: IgnoreEntry[];
}

/**
 * Which findings count. A profile (later) is a named Selection; `--min-severity`
 * overrides its minSeverity.
 */
export interface Selection {
  minSeverity: Severity;
  minConfidence?: Confidence;
  /** The profile this selection came from (src/rules/profiles.ts), for reports. */
  profile?: 'regular' | 'pedantic' | 'auditor';
}

export interface Note {
  kind: 'expired-ignore' | 'rule-error' | 'skipped';
  message: string;
  where?: string;
}

export interface EngineResult {
  findings: Finding[];
  suppressed: Finding[];
  /** Findings dropped by the Selection (below the threshold). */
  belowThreshold: number;
  notes: Note[];
}

export const DEFAULT_OPTIONS: { officialSubstituters: string[]; officialKeys: string[]; staleDays: number } = {
  officialSubstituters: ['https://cache.nixos.org'],
  officialKeys: ['cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY='],
  staleDays: 30,
};

export const EMPTY_POLICY: RulePolicy = { disable: [], severity: {}, ignore: [] };

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

function byRule<T>(table: Record<string, T>, rule: LoadedRule): T | undefined {
  return table[rule.meta.id] ?? table[rule.meta.id.toLowerCase()] ?? table[rule.meta.slug];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.span.file.localeCompare(b.span.file) ||
    a.span.startLine - b.span.startLine ||
    a.span.startColumn - b.span.startColumn ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

/**
 * Runs every enabled rule over every file, then applies severity overrides,
 * inline and config suppressions and the selection threshold. Pure: the same
 * model, rules, options and `options.now` give the same result.
 */
export function runRules(
  model: ConfigModel,
  rules: readonly LoadedRule[],
  options: RuleOptions,
  policy: RulePolicy = EMPTY_POLICY,
  selection: Selection = { minSeverity: 'info' },
): EngineResult {
  const disabled = new Set(policy.disable.map((d) => d.toLowerCase()));
  const active = rules.filter((r) => !disabled.has(r.meta.id.toLowerCase()) && !disabled.has(r.meta.slug));
  const notes: Note[] = [];
  const liveIgnores: IgnoreEntry[] = [];
  for (const entry of policy.ignore) {
    if (isExpired(entry, options.now)) {
      notes.push({
        kind: 'expired-ignore',
        where: entry.where,
        message: `ignore entry for ${entry.rule}${entry.path ? ` on ${entry.path}` : ''} expired on ${entry.until}; its findings are reported again`,
      });
    } else liveIgnores.push(entry);
  }

  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  let belowThreshold = 0;
  const ctx = { model, options, ...(selection.profile ? { profile: selection.profile } : {}) };
  for (const file of model.files) {
    const inline = inlineSuppressions(file);
    for (const rule of active) {
      // Two routes to the same place (a setting and a flag scan, say) report once.
      const seen = new Set<string>();
      let raws: ReturnType<LoadedRule['check']>;
      try {
        raws = rule.check(file, ctx);
      } catch (err) {
        // A rule bug on one odd file must not hide the other files' findings, nor pass silently.
        notes.push({ kind: 'rule-error', where: file.file, message: `${rule.meta.id} could not check this file: ${(err as Error)?.message ?? String(err)}` });
        continue;
      }
      for (const raw of raws) {
        const key = `${raw.span.startOffset}:${raw.span.endOffset}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let finding: Finding;
        try {
          finding = toFinding(rule, raw, byRule(policy.severity, rule));
        } catch (err) {
          notes.push({ kind: 'rule-error', where: file.file, message: `${rule.meta.id} ${(err as Error).message}` });
          continue;
        }
        // A finding inside a container, VM or specialisation says which system it is about.
        const systems = systemsAt(file, finding.span);
        if (systems.length) finding = { ...finding, message: `in ${systems.join(' in ')}: ${finding.message}` };
        if (!selected(finding, selection)) {
          belowThreshold++;
          continue;
        }
        const why = suppression(finding, file, inline, liveIgnores);
        if (why) suppressed.push({ ...finding, suppressed: why });
        else findings.push(finding);
      }
    }
  }
  return { findings: findings.sort(compareFindings), suppressed: suppressed.sort(compareFindings), belowThreshold, notes };
}

/**
 * The finding builder: id, slug, category, title, severity, confidence and fix tier all
 * come from the rule's metadata. A check may pick one of the `severities`/`confidences`
 * its YAML lists, and propose a fix only when the YAML names a tier; anything else is a
 * bug in the check, reported as a rule error.
 */
function toFinding(rule: LoadedRule, raw: ReturnType<LoadedRule['check']>[number], override: Severity | undefined): Finding {
  const { meta } = rule;
  if (raw.severity && raw.severity !== meta.severity && !meta.severities?.[raw.severity]) {
    throw new Error(`severity ${raw.severity} is not among the rule's severities in rules/${meta.id}-${meta.slug}.yaml`);
  }
  if (raw.confidence && raw.confidence !== meta.confidence && !meta.confidences?.[raw.confidence]) {
    throw new Error(`confidence ${raw.confidence} is not among the rule's confidences in rules/${meta.id}-${meta.slug}.yaml`);
  }
  if (raw.fix && (meta.fix === undefined || meta.fix === 'none')) throw new Error(`proposes a fix, but rules/${meta.id}-${meta.slug}.yaml says fix: none`);
  const { fix, ...rest } = raw;
  return {
    ...rest,
    ...(fix ? { fix: { ...fix, tier: meta.fix as 'safe' | 'unsafe' } } : {}),
    ruleId: meta.id,
    slug: meta.slug,
    category: meta.category,
    title: meta.title,
    // A configured override replaces both the default and per-finding severities: the user decided.
    severity: override ?? raw.severity ?? meta.severity,
    confidence: raw.confidence ?? meta.confidence,
  };
}

function selected(f: Finding, sel: Selection): boolean {
  if (severityRank(f.severity) < severityRank(sel.minSeverity)) return false;
  return !sel.minConfidence || CONFIDENCE_RANK[f.confidence] >= CONFIDENCE_RANK[sel.minConfidence];
}

function suppression(f: Finding, file: FileModel, inline: ReturnType<typeof inlineSuppressions>, ignores: IgnoreEntry[]): Finding['suppressed'] {
  const i = matchInline(inline, f);
  if (i) return { by: 'inline', ...(i.reason ? { reason: i.reason } : {}) };
  const c = ignores.find((e) => matchesIgnore(e, f, file.absPath));
  if (c) return { by: 'config', ...(c.reason ? { reason: c.reason } : {}) };
  return undefined;
}
