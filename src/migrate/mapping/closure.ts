import type { StagexImage, StagexIndex } from '../stagex/types.js';
import { loadMapping } from './load.js';
import type { ClosureRules, InterpreterRule } from './types.js';

export interface ClosureOverrides {
  /** The rule's data (default: the mapping file's `closure` section). */
  rules?: ClosureRules;
  /** Fixed runtime sets by image id (the map's `runtime` overrides), used instead of deriving. */
  runtime?: Record<string, string[]>;
}

const MUSL = 'core-musl';
/** Headers and static archives are only needed while building. */
const DEVEL = /-(devel|devel-static|static|dev|headers)$/;

/**
 * What an image needs at run time, derived from build dependencies because stagex has no
 * runtime dependency data (docs/migrate.md, "Runtime closure"):
 * - always core-musl;
 * - the library images among its build dependencies, followed transitively, and runtime
 *   data (CA certificates), whose own build dependencies are not followed;
 * - pallets are looked through, but only for general-purpose libraries (not a
 *   toolchain's own: gmp for gcc, libunwind for clang);
 * - toolchains and build tools (compilers, make, perl, cmake, …) never;
 * - an interpreter only when the image is a program in its language (a py-* package,
 *   built on pallet-python, installed with gpep517), with that language's packages;
 * - fixed extras for programs of some toolchains (rust programs load libunwind).
 * A fixed set for an image (the map's `runtime`) replaces what the rule derives for that
 * image; the images in it are expanded by the rule in turn. The result lists dependencies
 * before their dependents, core-musl first; the image itself is not included.
 */
export function runtimeClosure(imageId: string, index: StagexIndex, overrides: ClosureOverrides = {}): string[] {
  const rules = overrides.rules ?? loadMapping().closure;
  const byId = new Map(index.images.map((i) => [i.id, i]));
  const out: string[] = [];
  const seen = new Set<string>([imageId]);

  const include = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    expand(id);
    out.push(id);
  };

  const expand = (id: string): void => {
    const fixed = overrides.runtime?.[id];
    if (fixed) return fixed.forEach(include);
    const image = byId.get(id);
    // Data (CA certificates, hardware ids) is read, not linked: its build dependencies are not its runtime.
    if (!image || rules.data.includes(id)) return;
    const languages = interpretersOf(image, rules);
    for (const interpreter of languages) include(interpreter);
    for (const extra of rules.toolchainRuntime[image.buildDeps[0] ?? ''] ?? []) include(extra);
    for (const dep of image.buildDeps) {
      if (dep.startsWith('pallet-')) lookThroughPallet(dep, new Set());
      else if (isLibrary(dep, rules, true) || languages.some((i) => isLanguagePackage(dep, rules.interpreters[i]!))) include(dep);
    }
  };

  const lookThroughPallet = (id: string, visited: Set<string>): void => {
    if (visited.has(id)) return;
    visited.add(id);
    for (const member of byId.get(id)?.buildDeps ?? []) {
      if (member.startsWith('pallet-')) lookThroughPallet(member, visited);
      else if (isLibrary(member, rules, false)) include(member);
    }
  };

  // A fixed set (the map's `runtime`) is taken as written, core-musl included or not (a static busybox needs nothing).
  if (imageId !== MUSL && !overrides.runtime?.[imageId]) include(MUSL);
  expand(imageId);
  return out.includes(MUSL) ? [MUSL, ...out.filter((id) => id !== MUSL)] : out;
}

/** Library or runtime-data images: by name (lib*, *-libs) or listed; never headers, static archives or build-only images. */
export function isLibrary(id: string, rules: ClosureRules, namedDirectly: boolean): boolean {
  if (rules.buildOnly.includes(id) || DEVEL.test(id)) return false;
  if (rules.data.includes(id)) return true;
  if (rules.toolchainLibraries.includes(id)) return namedDirectly;
  const name = id.slice(id.indexOf('-') + 1);
  return rules.libraries.includes(id) || /^lib/.test(name) || /-libs$/.test(name);
}

/** The interpreters an image is a program for (empty for compiled programs). */
function interpretersOf(image: StagexImage, rules: ClosureRules): string[] {
  return Object.entries(rules.interpreters)
    .filter(([interpreter, rule]) => {
      if (image.id === interpreter) return false;
      if (rule.packages !== undefined && new RegExp(rule.packages).test(image.id)) return true;
      if (rule.buildEnvs?.includes(image.buildDeps[0] ?? '')) return true;
      return rule.installers?.some((i) => image.buildDeps.includes(i)) ?? false;
    })
    .map(([interpreter]) => interpreter);
}

/** A dependency that is a package of the language (a library the program imports), not one of its build tools. */
function isLanguagePackage(id: string, rule: InterpreterRule): boolean {
  return rule.packages !== undefined && new RegExp(rule.packages).test(id) && !(rule.buildOnlyPackages ?? []).includes(id);
}
