import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, UserError } from '../core/errors.js';
import { applyFixPlan, planFixes, type FixMode, type FixPlan } from '../fix/plan.js';
import { loadConfig, type NixhardenConfig } from '../config/config.js';
import { kindOfPath } from '../discover/kind.js';
import { loadBranchList } from '../data/branch-store.js';
import { loadConfigModel } from '../model/load/index.js';
import { DEFAULT_OPTIONS, runRules, type Selection } from '../rules/engine.js';
import { loadRules, type LoadedRule } from '../rules/registry.js';
import { selectionFor, type ProfileName } from '../rules/profiles.js';
import { reportOnly } from '../rules/report-only.js';
import { remainingFindings, type ScanResult } from '../rules/result.js';
import type { RuleOptions, Severity } from '../rules/types.js';

export interface AnalyzeOptions {
  /** `--config FILE` */
  configFile?: string;
  /** `--no-config` */
  noConfig?: boolean;
  /** `--min-severity`; overrides the config file's scan.minSeverity. */
  minSeverity?: Severity;
  jobs?: number;
  /** Skip files larger than this (bytes); default in scan/. */
  maxFileSize?: number;
  /** Scan root for relative paths; default: the enclosing git root of the first path. */
  root?: string;
  /** Injected clock for `until` dates and age checks. */
  now?: Date;
  toolVersion?: string;
  rules?: LoadedRule[];
  /** `--profile`; overrides the config's scan.profile. Without either, defaultProfile applies. */
  profile?: ProfileName;
  /** Profile when neither `--profile` nor the config names one; unset, every finding shows (the CLI passes regular). */
  defaultProfile?: ProfileName;
  /** `--stale-days`; overrides the config's options.staleDays. */
  staleDays?: number;
  /** Supported nixpkgs releases (`YY.MM`), replacing the config's options.supportedReleases and the embedded list. */
  supportedReleases?: string[];
}

/** The enclosing git work tree of `p`, if any. */
export function gitRoot(p: string): string | undefined {
  let dir = path.resolve(p);
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function defaultRoot(first: string): string {
  const abs = path.resolve(first);
  const git = gitRoot(abs);
  if (git) return git;
  return fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
}

/** The supported-release list: given explicitly, else the user's updated copy, else the embedded one. */
function supported(explicit: string[] | undefined, asOf?: string): { supportedReleases: string[]; supportedReleasesAsOf?: string } {
  if (explicit) return { supportedReleases: explicit, ...(asOf ? { supportedReleasesAsOf: asOf } : {}) };
  const list = loadBranchList();
  return { supportedReleases: list.releases, supportedReleasesAsOf: list.asOf };
}

/** scan: config + model + rules → a ScanResult ready to render. */
export async function analyzePaths(paths: string[], opts: AnalyzeOptions = {}): Promise<ScanResult> {
  if (paths.length === 0) throw new UserError('no paths to scan');
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new UserError('no such file or directory', undefined, p);
  }
  const rules = opts.rules ?? (await loadRules());
  const metas = rules.map((r) => r.meta);
  const config: NixhardenConfig = loadConfig({ explicit: opts.configFile, none: opts.noConfig, start: paths[0]! }, metas);
  const root = path.resolve(opts.root ?? defaultRoot(paths[0]!));
  const model = await loadConfigModel(paths, { jobs: opts.jobs, root, ...(opts.maxFileSize ? { maxFileSize: opts.maxFileSize } : {}) });
  const options: RuleOptions = {
    officialSubstituters: config.options.officialSubstituters ?? DEFAULT_OPTIONS.officialSubstituters,
    officialKeys: config.options.officialKeys ?? DEFAULT_OPTIONS.officialKeys,
    staleDays: opts.staleDays ?? config.options.staleDays ?? DEFAULT_OPTIONS.staleDays,
    now: opts.now ?? new Date(),
    ...(opts.supportedReleases ? supported(opts.supportedReleases) : supported(config.options.supportedReleases, config.options.supportedReleasesAsOf)),
  };
  const floor = opts.minSeverity ?? config.minSeverity;
  const profile = opts.profile ?? config.profile ?? opts.defaultProfile;
  const selection: Selection = profile ? selectionFor(profile, floor) : { minSeverity: floor ?? 'info' };
  const engine = runRules(model, rules, options, config.policy, selection);
  const disabled = new Set(config.policy.disable.map((d) => d.toLowerCase()));
  return {
    tool: { name: 'nixharden', version: opts.toolVersion ?? '0.0.0' },
    root: model.root ? path.resolve(model.root) : root,
    rules: metas.filter((m) => !disabled.has(m.id.toLowerCase()) && !disabled.has(m.slug)),
    files: model.files.map((f) => ({ file: f.file, absPath: f.absPath, kind: f.kind, text: f.text })),
    findings: engine.findings,
    suppressed: engine.suppressed,
    belowThreshold: engine.belowThreshold,
    notes: [...engine.notes, ...model.skipped.map((s) => ({ kind: 'skipped' as const, where: s.file, message: s.message }))],
    selection,
    ...(config.file ? { configFile: config.file } : {}),
  };
}

export interface ScanRequest extends AnalyzeOptions {
  paths: string[];
  /** `--fix[=tier]`: apply fixes of this tier. */
  fix?: FixMode;
  /** `--diff`: plan the fixes (tier from `fix`, default safe) and write nothing. */
  diffOnly?: boolean;
  /** `--context DIR`: model everything under DIR, report only findings in `paths` (rules/report-only.ts). */
  context?: string;
}

export interface ScanOutcome {
  /** Findings with each fix's outcome on it (`fixStatus`). */
  result: ScanResult;
  /** Present when fixes were planned (`--fix` or `--diff`). */
  plan?: FixPlan;
  /** 0 nothing remains, 1 findings remain, 2 a rule could not run (the scan cannot vouch for the files). */
  exitCode: number;
}

/** The scan use case: config + model + rules, then the fixes asked for, and the exit code. */
export async function runScan(req: ScanRequest): Promise<ScanOutcome> {
  // With a context the tree is scanned, plus named files it may not reach (ignored by .gitignore);
  // names nixharden does not scan (Cargo.lock, nginx.conf) are left out.
  const named = req.context === undefined ? undefined : req.paths.filter((p) => kindOfPath(p) !== undefined);
  let result = await analyzePaths(named ? [req.context!, ...named] : req.paths, req);
  if (named) result = reportOnly(result, named);
  let plan: FixPlan | undefined;
  if (req.diffOnly || req.fix) {
    plan = planFixes(result, req.fix ?? 'safe');
    if (!req.diffOnly) plan = await applyFixPlan(plan);
    result = withFixStatus(result, plan);
    if (!req.diffOnly) result = { ...result, fixed: result.findings.filter((f) => f.fixStatus?.state === 'applied').length };
  }
  // A rule that could not run means the scan cannot vouch for the files: fail closed.
  const ruleError = result.notes.some((n) => n.kind === 'rule-error');
  const exitCode = ruleError ? ExitCode.Usage : remainingFindings(result).length > 0 ? ExitCode.Findings : ExitCode.Ok;
  return { result, ...(plan ? { plan } : {}), exitCode };
}

/** Puts each fix's outcome on its finding, so every report format can say what happened and why. */
function withFixStatus(result: ScanResult, plan: FixPlan): ScanResult {
  const status = new Map(plan.fixed.map((x) => [x.finding, x.status]));
  return { ...result, findings: result.findings.map((f) => (status.has(f) ? { ...f, fixStatus: status.get(f)! } : f)) };
}
