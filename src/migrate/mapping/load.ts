import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { UserError } from '../../core/errors.js';
import { mappingSchema } from './schema.js';
import type { StagexMapping } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** mappings/ at the repository root, beside rules/; found from src/ (tests) and dist/ (built CLI). */
export const DEFAULT_MAPPING_FILE = path.resolve(here, '..', '..', '..', 'mappings', 'nixpkgs-to-stagex.yaml');

const cache = new Map<string, StagexMapping>();
let validate: ReturnType<Ajv['compile']> | undefined;

/**
 * Reads and validates the mapping data. Any problem (YAML syntax, a key the schema does
 * not know, an attribute listed twice, an image both mapped and called stagex-only) is
 * a UserError naming file and line.
 */
export function loadMapping(file: string = DEFAULT_MAPPING_FILE): StagexMapping {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the mapping: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, file);
  }
  const mapping = parseMapping(text, file);
  cache.set(file, mapping);
  return mapping;
}

export function parseMapping(text: string, file: string): StagexMapping {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UserError(`invalid YAML: ${e.message.split('\n')[0]}`, undefined, file, lineAt(e.pos[0]));
  }
  const data = doc.toJS() as unknown;
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(mappingSchema);
  if (!validate(data)) {
    const err = mostSpecific(validate.errors ?? []);
    const where = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (err.keyword === 'additionalProperties') where.push(String((err.params as { additionalProperty: string }).additionalProperty));
    throw new UserError(describe(err), undefined, file, lineOf(doc, where, lineAt));
  }
  const raw = data as Omit<StagexMapping, 'file'>;
  const keyLine = (p: string[]) => lineOf(doc, p, lineAt) ?? 1;
  const fail = (msg: string, p: string[]): never => {
    throw new UserError(msg, undefined, file, keyLine(p));
  };

  const mapping: StagexMapping = { ...raw, file, packages: {}, services: {} };
  const names = new Map<string, string>();
  const claim = (name: string, owner: string, p: string[]) => {
    const prev = names.get(name);
    if (prev) fail(`"${name}" is already mapped by ${prev}`, p);
    names.set(name, owner);
  };
  for (const [attr, entry] of Object.entries(raw.packages)) {
    claim(attr, `packages.${attr}`, ['packages', attr]);
    for (const alias of entry.aliases ?? []) claim(alias, `packages.${attr}`, ['packages', attr, 'aliases']);
    mapping.packages[attr] = { ...entry, line: keyLine(['packages', attr]) };
  }
  for (const [name, entry] of Object.entries(raw.services)) mapping.services[name] = { ...entry, line: keyLine(['services', name]) };
  for (const reason of ['no-equivalent', 'not-packaged'] as const) {
    for (const kind of ['packages', 'services'] as const) {
      const list = raw.unmapped[reason][kind];
      for (const [name, entry] of Object.entries(list)) {
        const p = ['unmapped', reason, kind, name];
        if (kind === 'packages') claim(name, `unmapped.${reason}`, p);
        else if (raw.services[name]) fail(`service "${name}" is both mapped and ${reason}`, p);
        (list as Record<string, { line?: number }>)[name] = { ...entry, line: keyLine(p) };
      }
    }
  }
  for (const pattern of raw.unmapped.desktop.packages) {
    if (!pattern.includes('*') && names.has(pattern)) fail(`"${pattern}" is listed as desktop but mapped by ${names.get(pattern)}`, ['unmapped', 'desktop', 'packages']);
  }
  const named = new Set(Object.values(raw.packages).flatMap((e) => [...e.images, ...Object.values(e.outputs ?? {}).flat(), ...(e.variants ?? [])]));
  for (const s of Object.values(raw.services)) s.images.forEach((i) => named.add(i));
  raw.stagexOnly.forEach((group, i) => {
    for (const id of group.images) if (named.has(id)) fail(`${id} is mapped, so it is not stagex-only`, ['stagexOnly', String(i)]);
  });
  for (const [id, rule] of Object.entries(raw.closure.interpreters)) {
    if (rule.packages === undefined) continue;
    try {
      new RegExp(rule.packages);
    } catch {
      fail(`closure.interpreters.${id}.packages is not a regular expression`, ['closure', 'interpreters', id, 'packages']);
    }
  }
  return mapping;
}

/** The line of the deepest key or list item on `where` that exists in the document. */
function lineOf(doc: Document, where: string[], lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  for (let n = where.length; n > 0; n--) {
    const parentPath = where.slice(0, n - 1);
    const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === where[n - 1]);
      if (pair && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
    } else if (isSeq(parent)) {
      const item = parent.items[Number(where[n - 1])] as { range?: [number, number, number] } | undefined;
      if (item?.range) return lineAt(item.range[0]);
    }
  }
  return undefined;
}

function mostSpecific(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length * 10 + (e.keyword === 'additionalProperties' ? 5 : 0) - (e.keyword === 'oneOf' ? 8 : 0);
  return [...errors].sort((a, b) => depth(b) - depth(a))[0]!;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, '.')}: ` : '';
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${at}unknown key "${String(p.additionalProperty)}"`;
  if (e.keyword === 'required') return `${at}missing key "${String(p.missingProperty)}"`;
  if (e.keyword === 'enum') return `${at}must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
  if (e.keyword === 'pattern' && String(p.pattern).startsWith('^(bootstrap')) return `${at}not a stagex image id <stage>-<name>`;
  return `${at}${e.message ?? 'invalid'}`;
}
