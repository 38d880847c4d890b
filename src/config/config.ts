import fs from 'node:fs';
import path from 'node:path';
import { parse, TomlDate, TomlError } from 'smol-toml';
import { UserError } from '../core/errors.js';
import { isReleaseName } from '../data/nixpkgs-branches.js';
import type { RulePolicy } from '../rules/engine.js';
import { PROFILE_NAMES, type ProfileName } from '../rules/profiles.js';
import type { IgnoreEntry } from '../rules/suppress.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { tomlLocator } from '../syntax/toml-locate.js';

/** Where a key sits: its table path, the index of an `[[array]]` table, and the key. */
interface TomlPlace {
  table: string[];
  index?: number;
  key?: string;
}

export const CONFIG_FILE_NAME = '.nixharden.toml';

/** The parsed `.nixharden.toml`, in the shapes the engine takes. */
export interface NixhardenConfig {
  /** Absolute path of the file, or undefined when none was used. */
  file?: string;
  policy: RulePolicy;
  /** Values that replace the rule option defaults. */
  options: {
    officialSubstituters?: string[];
    officialKeys?: string[];
    staleDays?: number;
    /** Supported nixpkgs releases (`YY.MM`), replacing the embedded list (NH020). */
    supportedReleases?: string[];
    /** Date (YYYY-MM-DD) the supportedReleases list was checked; NH020 messages cite it. */
    supportedReleasesAsOf?: string;
  };
  /** Default threshold for scan; `--min-severity` wins. */
  minSeverity?: Severity;
  /** Default profile for scan; `--profile` wins. */
  profile?: ProfileName;
}

export const EMPTY_CONFIG: NixhardenConfig = { policy: { disable: [], severity: {}, ignore: [] }, options: {} };

type Table = Record<string, unknown>;

/**
 * Parses and validates a config file. Unknown keys, wrong types and unknown rule
 * ids are UserErrors naming the file and line: a typo must not silently disable a check.
 */
export function parseConfig(text: string, file: string, knownRules: readonly { id: string; slug: string }[]): NixhardenConfig {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    if (err instanceof TomlError) throw new UserError(`invalid TOML: ${err.message.split('\n')[0]}`, undefined, file, err.line);
    throw err;
  }
  const locate = tomlLocator(text);
  const lineOf = (p: TomlPlace): number => locate([...p.table, ...(p.index !== undefined ? [p.index] : []), ...(p.key ? [p.key] : [])]) ?? 1;
  const fail = (msg: string, place: TomlPlace): never => {
    throw new UserError(msg, undefined, file, lineOf(place));
  };
  const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
  const only = (t: Table, allowed: string[], table: string[], index?: number): void => {
    for (const k of Object.keys(t)) {
      if (!allowed.includes(k))
        fail(`unknown key "${[...table, k].join('.')}" (expected ${allowed.map((a) => `"${a}"`).join(', ')})`, { table, index, key: k });
    }
  };
  const stringList = (v: unknown, table: string[], key: string, index?: number): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`"${key}" must be a list of strings`, { table, key, index });
    return v as string[];
  };
  const ruleKey = (r: unknown, place: TomlPlace): string => {
    const known = typeof r === 'string' && knownRules.some((k) => k.id.toLowerCase() === r.toLowerCase() || k.slug === r.toLowerCase());
    if (!known) fail(`unknown rule "${String(r)}"`, place);
    return (r as string).toLowerCase().startsWith('nh') ? (r as string).toUpperCase() : (r as string);
  };
  const severity = (v: unknown, place: TomlPlace): Severity => {
    if (typeof v !== 'string' || !SEVERITIES.includes(v as Severity)) fail(`severity must be one of ${SEVERITIES.join(', ')}`, place);
    return v as Severity;
  };

  only(doc, ['rules', 'ignore', 'options', 'scan'], []);
  const config: NixhardenConfig = { file, policy: { disable: [], severity: {}, ignore: [] }, options: {} };

  if (doc.rules !== undefined) {
    if (!isTable(doc.rules)) fail('"rules" must be a table', { table: [], key: 'rules' });
    const rules = doc.rules as Table;
    only(rules, ['disable', 'severity'], ['rules']);
    if (rules.disable !== undefined) {
      config.policy.disable = stringList(rules.disable, ['rules'], 'disable').map((r) => ruleKey(r, { table: ['rules'], key: 'disable' }));
    }
    if (rules.severity !== undefined) {
      if (!isTable(rules.severity)) fail('"rules.severity" must be a table of rule = "severity"', { table: ['rules'], key: 'severity' });
      for (const [k, v] of Object.entries(rules.severity as Table)) {
        const place = { table: ['rules', 'severity'], key: k };
        config.policy.severity[ruleKey(k, place)] = severity(v, place);
      }
    }
  }

  if (doc.ignore !== undefined) {
    if (!Array.isArray(doc.ignore)) fail('"ignore" must be an array of tables ([[ignore]])', { table: [], key: 'ignore' });
    (doc.ignore as unknown[]).forEach((raw, index) => {
      const table = ['ignore'];
      if (!isTable(raw)) fail('each [[ignore]] entry must be a table', { table, index });
      const e = raw as Table;
      only(e, ['rule', 'path', 'reason', 'until'], table, index);
      if (e.rule === undefined) fail('[[ignore]] entry needs "rule"', { table, index });
      const entry: IgnoreEntry = {
        rule: ruleKey(e.rule, { table, index, key: 'rule' }),
        baseDir: path.dirname(path.resolve(file)),
        where: `${file}:${lineOf({ table, index })}`,
      };
      for (const k of ['path', 'reason'] as const) {
        if (e[k] === undefined) continue;
        if (typeof e[k] !== 'string' || e[k] === '') fail(`"${k}" must be a non-empty string`, { table, index, key: k });
        entry[k] = e[k] as string;
      }
      if (e.until !== undefined) entry.until = untilDate(e.until, () => fail('"until" must be a date (YYYY-MM-DD)', { table, index, key: 'until' }));
      config.policy.ignore.push(entry);
    });
  }

  if (doc.options !== undefined) {
    if (!isTable(doc.options)) fail('"options" must be a table', { table: [], key: 'options' });
    const o = doc.options as Table;
    only(o, ['officialSubstituters', 'officialKeys', 'staleDays', 'supportedReleases', 'supportedReleasesAsOf'], ['options']);
    if (o.officialSubstituters !== undefined) config.options.officialSubstituters = stringList(o.officialSubstituters, ['options'], 'officialSubstituters');
    if (o.officialKeys !== undefined) config.options.officialKeys = stringList(o.officialKeys, ['options'], 'officialKeys');
    if (o.staleDays !== undefined) {
      if (typeof o.staleDays !== 'number' || !Number.isInteger(o.staleDays) || o.staleDays < 1)
        fail('"staleDays" must be a positive integer', { table: ['options'], key: 'staleDays' });
      config.options.staleDays = o.staleDays as number;
    }
    if (o.supportedReleases !== undefined) {
      const place = { table: ['options'], key: 'supportedReleases' };
      const list = stringList(o.supportedReleases, ['options'], 'supportedReleases');
      // An empty list would make every release branch "unsupported"; a typo like "2605" would silently match nothing.
      if (list.length === 0) fail('"supportedReleases" must name at least one release', place);
      const bad = list.find((r) => !isReleaseName(r));
      if (bad !== undefined) fail(`"supportedReleases" entries must be nixpkgs releases like "26.05" (got "${bad}")`, place);
      config.options.supportedReleases = list;
    }
    if (o.supportedReleasesAsOf !== undefined) {
      const place = { table: ['options'], key: 'supportedReleasesAsOf' };
      if (o.supportedReleases === undefined) fail('"supportedReleasesAsOf" dates a "supportedReleases" list; set that too', place);
      config.options.supportedReleasesAsOf = untilDate(o.supportedReleasesAsOf, () => fail('"supportedReleasesAsOf" must be a date (YYYY-MM-DD)', place));
    }
  }

  if (doc.scan !== undefined) {
    if (!isTable(doc.scan)) fail('"scan" must be a table', { table: [], key: 'scan' });
    const s = doc.scan as Table;
    only(s, ['minSeverity', 'profile'], ['scan']);
    if (s.minSeverity !== undefined) config.minSeverity = severity(s.minSeverity, { table: ['scan'], key: 'minSeverity' });
    if (s.profile !== undefined) {
      if (typeof s.profile !== 'string' || !PROFILE_NAMES.includes(s.profile as ProfileName))
        fail(`"profile" must be one of ${PROFILE_NAMES.join(', ')}`, { table: ['scan'], key: 'profile' });
      config.profile = s.profile as ProfileName;
    }
  }
  return config;
}

/** Accepts a TOML local date (`until = 2026-12-31`) or a "YYYY-MM-DD" string; also used for supportedReleasesAsOf. */
function untilDate(v: unknown, bad: () => never): string {
  let s: string | undefined;
  if (v instanceof TomlDate) s = v.isDate() ? v.toISOString().slice(0, 10) : undefined;
  else if (typeof v === 'string') s = v;
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) return bad();
  return s;
}

/**
 * Looks for .nixharden.toml in the directory of `start` and its parents, stopping
 * after the enclosing git root (a directory holding `.git`) or the filesystem root.
 */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface ConfigSource {
  /** `--config FILE` */
  explicit?: string;
  /** `--no-config` */
  none?: boolean;
  /** The first scanned path, where discovery starts. */
  start: string;
}

export function loadConfig(src: ConfigSource, knownRules: readonly { id: string; slug: string }[]): NixhardenConfig {
  if (src.none) return EMPTY_CONFIG;
  const file = src.explicit ?? findConfigFile(src.start);
  if (!file) return EMPTY_CONFIG;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code})`, undefined, file);
  }
  return parseConfig(text, file, knownRules);
}
