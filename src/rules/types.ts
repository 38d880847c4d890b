import type { Span } from '../core/span.js';
import type { Fix } from '../core/text-edit.js';
import type { ConfigModel, FileModel } from '../model/types.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type Confidence = 'low' | 'medium' | 'high';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const CONFIDENCES: readonly Confidence[] = ['low', 'medium', 'high'];

export type Category =
  | 'substituter'
  | 'trusted-key'
  | 'signature-policy'
  | 'sandbox'
  | 'trusted-users'
  | 'flake-config'
  | 'eval-safety'
  | 'unpinned-fetch'
  | 'channel'
  | 'mutable-pin'
  | 'stale-pin'
  | 'insecure-transport'
  | 'secret'
  | 'insecure-package'
  | 'parse-error';

/** Rule metadata, loaded from rules/<id>-<slug>.yaml... (see rules/README.md). */
export interface RuleMeta {
  id: string;
  slug: string;
  category: Category;
  severity: Severity;
  confidence: Confidence;
  title: string;
  rationale: string;
  remediation: string;
  references: string[];
  /** Which fix tier this rule offers, if any. Every fix a check proposes gets this tier. */
  fix?: 'safe' | 'unsafe' | 'none';
  /** Other severities a finding may take, each with when it applies (`severity` is the usual one). */
  severities?: Partial<Record<Severity, string>>;
  /** Other confidences a finding may take, each with when it applies. */
  confidences?: Partial<Record<Confidence, string>>;
  /** A short example of code that triggers the rule (for docs). */
  example?: string;
}

/** A fix as a check proposes it; its tier comes from the rule's metadata (`fix:`). */
export type FixProposal = Omit<Fix, 'tier'>;

/**
 * What a rule reports; the engine builds the Finding from it and the rule's metadata
 * (rules/<id>-<slug>.yaml), so a check cannot contradict its YAML.
 */
export interface RawFinding {
  span: Span;
  message: string;
  /** One of the rule's `severities` (e.g. lower when a lock exists); default its `severity`. */
  severity?: Severity;
  /** One of the rule's `confidences`; default its `confidence`. */
  confidence?: Confidence;
  fix?: FixProposal;
  /** Extra locations that explain the finding (e.g. the key of a flagged substituter). */
  related?: { span: Span; message: string }[];
}

/** What `scan --fix` did with a finding's fix (shown by the reports). */
export interface FixStatus {
  /** planned: --diff / dry run; applied: written; refused: not written (reason); conflict: overlapped another fix. */
  state: 'planned' | 'applied' | 'refused' | 'conflict';
  tier: 'safe' | 'unsafe';
  description: string;
  reason?: string;
}

export interface Finding extends Omit<RawFinding, 'fix'> {
  fix?: Fix;
  ruleId: string;
  slug: string;
  category: Category;
  severity: Severity;
  confidence: Confidence;
  title: string;
  suppressed?: { by: 'inline' | 'config'; reason?: string };
  /** Set by `scan --fix` / `--diff`. */
  fixStatus?: FixStatus;
}

/** Options a user can set that rules read (from the config file or flags). */
export interface RuleOptions {
  /** Substituters treated as official (default: https://cache.nixos.org). */
  officialSubstituters: string[];
  officialKeys: string[];
  /** Days after which a locked pin is stale. */
  staleDays: number;
  /** "now" for age checks; injectable for tests. */
  now: Date;
  /** Per-rule free-form options from the config file. */
  [key: string]: unknown;
}

export interface RuleContext {
  model: ConfigModel;
  options: RuleOptions;
  /**
   * The profile the scan shows (src/rules/profiles.ts); undefined for the library's
   * show-everything default. `regular` folds per-input pin findings into one per lock file.
   */
  profile?: 'regular' | 'pedantic' | 'auditor';
}

/** One rule's logic: src/rules/checks/<slug>.ts exports `check`. */
export type RuleCheck = (file: FileModel, ctx: RuleContext) => RawFinding[];
