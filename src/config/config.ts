import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse, TomlDate, TomlError } from 'smol-toml';
import { UserError } from '../core/errors.js';
import type { RulePolicy } from '../rules/engine.js';
import { PROFILE_NAMES, type ProfileName } from '../rules/profiles.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { tomlLocator, type Locator } from '../syntax/toml-locate.js';
import { configSchema } from './config-schema.js';

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

type Pointer = (string | number)[];

/** The decoded file once the schema accepts it (dates already "YYYY-MM-DD"). */
interface RawConfig {
  rules?: { disable?: string[]; severity?: Record<string, Severity> };
  ignore?: { rule: string; path?: string; reason?: string; until?: string }[];
  options?: NixhardenConfig['options'];
  scan?: { minSeverity?: Severity; profile?: ProfileName };
}

/**
 * Parses and validates a config file against configSchema (config-schema.ts). Unknown
 * keys, wrong types and unknown rule ids are UserErrors naming the file and line:
 * a typo must not silently disable a check.
 */
export function parseConfig(text: string, file: string, knownRules: readonly { id: string; slug: string }[]): NixhardenConfig {
  let doc: unknown;
  try {
    doc = datesAsStrings(parse(text));
  } catch (err) {
    if (err instanceof TomlError) throw new UserError(`invalid TOML: ${err.message.split('\n')[0]}`, undefined, file, err.line);
    throw err;
  }
  const locate = tomlLocator(text);
  const fail = (msg: string, pointer: Pointer): never => {
    throw new UserError(msg, undefined, file, locate(pointer) ?? 1);
  };
  const problem = firstSchemaProblem(doc, locate);
  if (problem) fail(problem.message, problem.pointer);
  const raw = doc as RawConfig;

  const ruleKey = (r: string, pointer: Pointer): string => {
    if (!knownRules.some((k) => k.id.toLowerCase() === r.toLowerCase() || k.slug === r.toLowerCase())) fail(`unknown rule "${r}"`, pointer);
    return r.toLowerCase().startsWith('nh') ? r.toUpperCase() : r;
  };

  const config: NixhardenConfig = { file, policy: { disable: [], severity: {}, ignore: [] }, options: { ...raw.options } };
  config.policy.disable = (raw.rules?.disable ?? []).map((r, i) => ruleKey(r, ['rules', 'disable', i]));
  for (const [k, v] of Object.entries(raw.rules?.severity ?? {})) config.policy.severity[ruleKey(k, ['rules', 'severity', k])] = v;
  (raw.ignore ?? []).forEach((e, index) => {
    const { rule, ...rest } = e;
    config.policy.ignore.push({
      rule: ruleKey(rule, ['ignore', index, 'rule']),
      ...rest,
      baseDir: path.dirname(path.resolve(file)),
      where: `${file}:${locate(['ignore', index]) ?? 1}`,
    });
  });
  if (raw.scan?.minSeverity) config.minSeverity = raw.scan.minSeverity;
  if (raw.scan?.profile) config.profile = raw.scan.profile;
  return config;
}

/**
 * TOML dates become "YYYY-MM-DD" strings, as the schema (and taplo) read them; a
 * date-time or a time becomes longer text, which the schema's date pattern rejects.
 */
function datesAsStrings(v: unknown): unknown {
  if (v instanceof TomlDate) return v.isDate() ? v.toISOString().slice(0, 10) : v.toISOString();
  if (Array.isArray(v)) return v.map(datesAsStrings);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, datesAsStrings(x)]));
  return v;
}

// ---------------------------------------------------------------- schema errors

let validate: ValidateFunction | undefined;

const severityMessage = (): string => `severity must be one of ${SEVERITIES.join(', ')}`;
const listMessage = (key: string): string => `"${key}" must be a list of strings`;
const dateMessage = (key: string): string => `"${key}" must be a date (YYYY-MM-DD)`;

/**
 * The message for each place in the schema, keyed by its path with `*` for an array
 * index or a rule name, then `:keyword` where one place can fail in several ways.
 */
const MESSAGES: Record<string, (key: string, value: unknown) => string> = {
  rules: () => '"rules" must be a table',
  'rules.disable': listMessage,
  'rules.severity': () => '"rules.severity" must be a table of rule = "severity"',
  'rules.severity.*': severityMessage,
  ignore: () => '"ignore" must be an array of tables ([[ignore]])',
  'ignore.*': () => 'each [[ignore]] entry must be a table',
  'ignore.*:required': (key) => `[[ignore]] entry needs "${key}"`,
  'ignore.*.rule': (_, v) => `unknown rule "${String(v)}"`,
  'ignore.*.path': (key) => `"${key}" must be a non-empty string`,
  'ignore.*.reason': (key) => `"${key}" must be a non-empty string`,
  'ignore.*.until': dateMessage,
  options: () => '"options" must be a table',
  'options.supportedReleasesAsOf:dependencies': () => '"supportedReleasesAsOf" dates a "supportedReleases" list; set that too',
  'options.officialSubstituters': listMessage,
  'options.officialKeys': listMessage,
  'options.staleDays': (key) => `"${key}" must be a positive integer`,
  'options.supportedReleases': listMessage,
  'options.supportedReleases:minItems': (key) => `"${key}" must name at least one release`,
  'options.supportedReleases.*:pattern': (_, v) => `"supportedReleases" entries must be nixpkgs releases like "26.05" or "26.11" (got "${String(v)}")`,
  'options.supportedReleasesAsOf': dateMessage,
  scan: () => '"scan" must be a table',
  'scan.minSeverity': severityMessage,
  'scan.profile': (key) => `"${key}" must be one of ${PROFILE_NAMES.join(', ')}`,
};

/** The schema violation nearest the top of the file (message and place); undefined when the file is valid. */
function firstSchemaProblem(doc: unknown, locate: Locator): { message: string; pointer: Pointer } | undefined {
  validate ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(configSchema);
  const problems = validate(doc) ? [] : (validate.errors ?? []).map(describeProblem);
  // The pattern only shapes YYYY-MM-DD; the day must also exist (no 2026-02-30).
  for (const pointer of datePointers(doc)) problems.push({ message: dateMessage(String(pointer.at(-1))), pointer });
  const line = (p: { pointer: Pointer }): number => locate(p.pointer) ?? 1;
  return problems.sort((a, b) => line(a) - line(b))[0];
}

/** Dates that match the schema's pattern but name no calendar day. */
function datePointers(doc: unknown): Pointer[] {
  const d = doc as RawConfig;
  const candidates: [Pointer, unknown][] = [
    ...(Array.isArray(d?.ignore) ? d.ignore.map((e, i): [Pointer, unknown] => [['ignore', i, 'until'], (e as { until?: unknown } | null)?.until]) : []),
    [['options', 'supportedReleasesAsOf'], (d?.options as { supportedReleasesAsOf?: unknown } | undefined)?.supportedReleasesAsOf],
  ];
  const notADay = (v: unknown): boolean =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v;
  return candidates.filter(([, v]) => notADay(v)).map(([p]) => p);
}

function describeProblem(e: ErrorObject): { message: string; pointer: Pointer } {
  const pointer: Pointer = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const p = e.params as Record<string, unknown>;
  // Point at the offending key itself, not the table holding it.
  if (e.keyword === 'additionalProperties') pointer.push(String(p.additionalProperty));
  if (e.keyword === 'dependencies') pointer.push(String(p.property));
  const names = pointer.filter((s): s is string => typeof s === 'string');
  if (e.keyword === 'additionalProperties') {
    const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
    return { message: `unknown key "${names.join('.')}" (expected ${allowed.map((a) => `"${a}"`).join(', ')})`, pointer };
  }
  // Array indexes and rule names (the keys of [rules.severity]) are `*` in MESSAGES.
  const schemaPath = pointer.map((s, i) => (typeof s === 'number' || (i === 2 && pointer[1] === 'severity') ? '*' : s)).join('.');
  // A bad element of a value list (`disable = ["NH001", 2]`) is described by its list.
  const message = MESSAGES[`${schemaPath}:${e.keyword}`] ?? MESSAGES[schemaPath] ?? MESSAGES[schemaPath.replace(/\.\*$/, '')];
  const key = e.keyword === 'required' ? String(p.missingProperty) : (names.at(-1) ?? '');
  return { message: message ? message(key, e.data) : `"${key}" ${e.message ?? 'is invalid'}`, pointer };
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
