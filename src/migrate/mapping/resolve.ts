import type { StagexIndex } from '../stagex/types.js';
import { runtimeClosure } from './closure.js';
import type { PackageEntry, PackageResolution, ServiceResolution, StagexMapping } from './types.js';

/**
 * Package-set spellings that name the same package: `python313Packages.x`,
 * `python3.pkgs.x` and `pythonPackages.x` are all looked up as `python3Packages.x`.
 */
const PACKAGE_SETS: Array<[RegExp, string]> = [
  [/^(?:python3\d*Packages|python3\d*\.pkgs|pythonPackages)\./, 'python3Packages.'],
  [/^(?:perl5\d*Packages|perl\.pkgs)\./, 'perlPackages.'],
  [/^(?:php8\d*Extensions|php8\d*\.extensions|php\.extensions)\./, 'phpExtensions.'],
  [/^(?:php8\d*Packages|php8\d*\.packages|php\.packages)\./, 'phpPackages.'],
  [/^llvmPackages_\d+\./, 'llvmPackages.'],
];

/**
 * nixpkgs output names. A stagex image holds all of a package's files (headers and static
 * libraries included) unless the package splits them into subpackages, which the map lists
 * under `outputs`; so an output the map does not list is the package's own images.
 */
const OUTPUT_NAMES = new Set(['out', 'bin', 'lib', 'dev', 'static', 'man', 'doc', 'info', 'devdoc', 'data', 'debug']);

interface Found {
  name: string;
  entry: PackageEntry;
  output?: string;
}

/** Resolves one nixpkgs attribute to the stagex images a runnable image needs, or a reason why not. */
export function resolvePackage(attr: string, mapping: StagexMapping, index?: StagexIndex): PackageResolution {
  const found = findEntry(attr, mapping);
  if (!found) return unmappedPackage(attr, mapping);
  const { entry, output } = found;
  let own = entry.images;
  let note = entry.note;
  if (output !== undefined) {
    if (entry.outputs?.[output]) own = entry.outputs[output];
    else if (!OUTPUT_NAMES.has(output)) return { ...unmapped(attr, 'unknown'), note: `the map has no stagex image for output "${output}" of ${found.name}` };
  }
  if (index) {
    const present = new Set(index.images.map((i) => i.id));
    const missing = own.filter((id) => !present.has(id));
    if (missing.length === own.length) {
      return { ...unmapped(attr, 'not-packaged'), note: `${missing.join(', ')} not in stagex ${index.release ?? 'index'}`, entry: found.name };
    }
    if (missing.length) note = [note, `not in stagex ${index.release ?? 'index'}: ${missing.join(', ')}`].filter(Boolean).join('; ');
    own = own.filter((id) => present.has(id));
  }
  const { runtime, derived } = runtimeOf(own, entry.runtime, mapping, index);
  return {
    attr,
    status: 'mapped',
    images: [...runtime, ...own],
    own,
    runtime,
    runtimeDerived: derived,
    confidence: entry.confidence,
    ...(note ? { note } : {}),
    entry: found.name,
    ...(entry.variants ? { variants: entry.variants } : {}),
  };
}

/** Resolves a NixOS service name (`services.<name>`) to its images, user, entrypoint and config file. */
export function resolveService(name: string, mapping: StagexMapping, index?: StagexIndex): ServiceResolution {
  const entry = mapping.services[name] ?? Object.values(mapping.services).find((s) => s.aliases?.includes(name));
  if (!entry) {
    const desktop = mapping.unmapped.desktop.services.some((p) => globMatch(p, name));
    const none = mapping.unmapped['no-equivalent'].services[name];
    const missing = mapping.unmapped['not-packaged'].services[name];
    const reason = desktop ? 'desktop' : none ? 'no-equivalent' : missing ? 'not-packaged' : 'unknown';
    const note = none?.note ?? missing?.note;
    return { service: name, status: 'unmapped', images: [], own: [], runtime: [], reason, ...(note ? { note } : {}), ...(none?.nearest ? { nearest: none.nearest } : {}) };
  }
  const own = index ? entry.images.filter((id) => index.images.some((i) => i.id === id)) : entry.images;
  if (own.length === 0) return { service: name, status: 'unmapped', images: [], own: [], runtime: [], reason: 'not-packaged', note: `${entry.images.join(', ')} not in stagex ${index?.release ?? 'index'}` };
  const { runtime, derived } = runtimeOf(own, entry.runtime, mapping, index);
  return {
    service: name,
    status: 'mapped',
    images: [...runtime, ...own],
    own,
    runtime,
    runtimeDerived: derived,
    ...pick(entry, ['user', 'entrypoint', 'configFile', 'configPath', 'ports', 'note']),
  };
}

/**
 * The runtime set of a package: derived by the closure rule, or the map's fixed `runtime`
 * (whose members are expanded by the rule in turn). Without package data (no index, or a
 * digests-only index) nothing can be derived beyond core-musl.
 */
function runtimeOf(own: string[], fixed: string[] | undefined, mapping: StagexMapping, index?: StagexIndex): { runtime: string[]; derived: boolean } {
  const derived = fixed === undefined;
  if (!index || !index.packageData) {
    const runtime = fixed ?? (own.includes('core-musl') ? [] : ['core-musl']);
    return { runtime: withMuslFirst(runtime.filter((id) => !own.includes(id))), derived };
  }
  const overrides = runtimeOverrides(mapping);
  const all = new Set<string>();
  for (const id of own) {
    const runtime = fixed ? { ...overrides, [id]: fixed } : overrides;
    for (const dep of runtimeClosure(id, index, { rules: mapping.closure, runtime })) all.add(dep);
  }
  return { runtime: withMuslFirst([...all].filter((id) => !own.includes(id))), derived };
}

/** The map's runtime overrides by image, so a dependency with a fixed set is not re-derived. */
function runtimeOverrides(mapping: StagexMapping): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of Object.values(mapping.packages)) if (e.runtime && e.images.length === 1) out[e.images[0]!] = e.runtime;
  return out;
}

function withMuslFirst(ids: string[]): string[] {
  return ids.includes('core-musl') ? ['core-musl', ...ids.filter((i) => i !== 'core-musl')] : ids;
}

function findEntry(attr: string, mapping: StagexMapping): Found | undefined {
  const canonical = canonicalAttr(attr);
  const direct = lookup(canonical, mapping);
  if (direct) return direct;
  const dot = canonical.lastIndexOf('.');
  if (dot > 0) {
    const base = lookup(canonical.slice(0, dot), mapping);
    if (base) return { ...base, output: canonical.slice(dot + 1) };
  }
  return undefined;
}

function lookup(name: string, mapping: StagexMapping): Found | undefined {
  const entry = mapping.packages[name];
  if (entry) return { name, entry };
  for (const [key, e] of Object.entries(mapping.packages)) if (e.aliases?.includes(name)) return { name: key, entry: e };
  return undefined;
}

/** `pkgs.x` → `x`; package-set spellings → the map's canonical set name. */
export function canonicalAttr(attr: string): string {
  let a = attr.trim().replace(/^pkgs\./, '');
  for (const [re, to] of PACKAGE_SETS) a = a.replace(re, to);
  return a;
}

function unmappedPackage(attr: string, mapping: StagexMapping): PackageResolution {
  const canonical = canonicalAttr(attr);
  const u = mapping.unmapped;
  const none = u['no-equivalent'].packages[canonical];
  if (none) return { ...unmapped(attr, 'no-equivalent'), note: none.note, ...(none.nearest ? { nearest: none.nearest } : {}) };
  const missing = u['not-packaged'].packages[canonical];
  if (missing) return { ...unmapped(attr, 'not-packaged'), ...(missing.note ? { note: missing.note } : {}), ...(missing.source ? { source: missing.source } : {}) };
  if (u.desktop.packages.some((p) => globMatch(p, canonical))) return unmapped(attr, 'desktop');
  return unmapped(attr, 'unknown');
}

function unmapped(attr: string, reason: PackageResolution['reason']): PackageResolution {
  return { attr, status: 'unmapped', images: [], own: [], runtime: [], runtimeDerived: false, reason };
}

/** `*` matches any run of characters (dots included): "gnome.*", "*-gtk". */
export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
