import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, isMap, isScalar, LineCounter } from 'yaml';
import { UserError } from '../core/errors.js';
import { CONFIDENCES, SEVERITIES, type Category, type RuleMeta } from './types.js';

export const CATEGORIES: readonly Category[] = [
  'substituter',
  'trusted-key',
  'signature-policy',
  'sandbox',
  'trusted-users',
  'flake-config',
  'eval-safety',
  'unpinned-fetch',
  'channel',
  'mutable-pin',
  'stale-pin',
  'insecure-transport',
  'secret',
  'insecure-package',
  'parse-error',
];

/** Where rule docs are published; SARIF helpUri and `explain` point here. */
export const DOCS_BASE_URL = 'https://github.com/nixharden/nixharden/blob/main/docs/rules';

/** A rule's one key, `NH003-trusted-store-url`: it names its metadata, logic, fixtures, tests and docs. */
export function ruleKey(r: { id: string; slug: string }): string {
  return `${r.id}-${r.slug}`;
}

export function docsPath(r: { id: string; slug: string }): string {
  return `docs/rules/${ruleKey(r)}.md`;
}
export function docsUrl(r: { id: string; slug: string }): string {
  return `${DOCS_BASE_URL}/${ruleKey(r)}.md`;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** rules/ at the repository root; works from src/ (tests) and dist/ (built CLI). */
export const defaultRulesDir = path.resolve(here, '..', '..', 'rules');

const ID = /^NH\d{3}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const KNOWN_KEYS = new Set(['id', 'slug', 'category', 'severity', 'confidence', 'severities', 'confidences', 'title', 'rationale', 'remediation', 'references', 'fix', 'example']);

/** Parses and validates one rule file; any problem is a UserError naming file and line. */
export function parseRuleMeta(text: string, file: string): RuleMeta {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (msg: string, offset?: number): never => {
    throw new UserError(msg, undefined, file, offset === undefined ? undefined : lines.linePos(offset).line);
  };
  if (doc.errors.length > 0) fail(`invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, doc.errors[0]!.pos[0]);
  if (!isMap(doc.contents)) fail('rule file must be a YAML mapping', 0);
  const map = doc.contents as unknown as { items: { key: unknown; value: unknown }[] };
  const raw: Record<string, { value: unknown; offset: number }> = {};
  for (const item of map.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '';
    const offset = isScalar(item.key) ? (item.key.range?.[0] ?? 0) : 0;
    if (!KNOWN_KEYS.has(key)) fail(`unknown key "${key}"`, offset);
    const node = item.value as { toJSON?: () => unknown } | null;
    raw[key] = { value: node && typeof node.toJSON === 'function' ? node.toJSON() : node, offset };
  }
  const str = (key: string, re?: RegExp): string => {
    const v = raw[key];
    if (!v) fail(`missing required key "${key}"`, 0);
    if (typeof v!.value !== 'string' || v!.value.trim() === '') fail(`"${key}" must be a non-empty string`, v!.offset);
    const s = (v!.value as string).trim();
    if (re && !re.test(s)) fail(`"${key}" has an invalid value "${s}"`, v!.offset);
    return s;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T => {
    const s = str(key);
    if (!allowed.includes(s as T)) fail(`"${key}" must be one of ${allowed.join(', ')} (got "${s}")`, raw[key]!.offset);
    return s as T;
  };
  const refs = raw.references;
  if (!refs || !Array.isArray(refs.value) || refs.value.length === 0) fail('"references" must be a non-empty list of URLs', refs?.offset ?? 0);
  for (const r of refs!.value as unknown[]) {
    if (typeof r !== 'string' || !/^https:\/\/\S+$/.test(r)) fail(`reference "${String(r)}" is not an https URL`, refs!.offset);
  }
  const meta: RuleMeta = {
    id: str('id', ID),
    slug: str('slug', SLUG),
    category: oneOf('category', CATEGORIES),
    severity: oneOf('severity', SEVERITIES),
    confidence: oneOf('confidence', CONFIDENCES),
    title: str('title'),
    rationale: str('rationale'),
    remediation: str('remediation'),
    references: refs!.value as string[],
    fix: raw.fix ? oneOf('fix', ['none', 'safe', 'unsafe'] as const) : 'none',
  };
  if (raw.example) meta.example = str('example');
  // Other levels a finding of this rule may take, each with when: the YAML, not the check, is the authority.
  const levels = <T extends string>(key: 'severities' | 'confidences', allowed: readonly T[]): Partial<Record<T, string>> | undefined => {
    const v = raw[key];
    if (!v) return undefined;
    if (typeof v.value !== 'object' || v.value === null || Array.isArray(v.value)) fail(`"${key}" must map a level to when it applies`, v.offset);
    for (const [level, when] of Object.entries(v.value as Record<string, unknown>)) {
      if (!allowed.includes(level as T)) fail(`"${key}" has an unknown level "${level}" (one of ${allowed.join(', ')})`, v.offset);
      if (typeof when !== 'string' || !when.trim()) fail(`"${key}.${level}" must say when it applies`, v.offset);
    }
    return v.value as Partial<Record<T, string>>;
  };
  const severities = levels('severities', SEVERITIES);
  if (severities) meta.severities = severities;
  const confidences = levels('confidences', CONFIDENCES);
  if (confidences) meta.confidences = confidences;
  const base = path.basename(file, '.yaml');
  if (base !== `${meta.id}-${meta.slug}`) fail(`file name must be ${meta.id}-${meta.slug}.yaml`, 0);
  return meta;
}

/** Loads every rules/<id>-<slug>.yaml, sorted by id; duplicate ids or slugs are errors. */
export function loadRuleMetas(dir: string = defaultRulesDir): RuleMeta[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort();
  } catch {
    throw new UserError(`cannot read the rules directory ${dir}`);
  }
  const metas: RuleMeta[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    const meta = parseRuleMeta(fs.readFileSync(file, 'utf8'), file);
    for (const key of [meta.id, meta.slug]) {
      const prev = seen.get(key);
      if (prev) throw new UserError(`"${key}" is also used by ${prev}`, undefined, file, 1);
      seen.set(key, name);
    }
    metas.push(meta);
  }
  return metas.sort((a, b) => a.id.localeCompare(b.id));
}

/** Finds a rule by id (case-insensitive) or slug. */
export function findRule<T extends { id: string; slug: string }>(rules: readonly T[], idOrSlug: string): T | undefined {
  const key = idOrSlug.trim();
  return rules.find((r) => r.id.toLowerCase() === key.toLowerCase() || r.slug === key.toLowerCase());
}
