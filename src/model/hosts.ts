/**
 * The machines a configuration describes, each with the files that make it up:
 * - a flake's `nixosConfigurations.<name>`, whose `modules = [ … ]` paths are the
 *   roots (inline modules count through their place in flake.nix);
 * - else a `hosts/<name>/` (or `machines/<name>/`, or `hosts/<name>.nix`) layout;
 * - else one host, `default`, made of every file.
 * A host's files are its roots plus everything they import, transitively.
 * Nothing is evaluated, so a host whose modules are computed (`mkHost "web"`)
 * falls back to its `hosts/<name>` directory, or to the whole tree, with a warning.
 */
import path from 'node:path';
import type { SNode } from '../syntax/node.js';
import { attrpathParts, bindingSet, flattenApply, resolveVariable, textOf, unparen, type NodeCtx } from './nix-values.js';
import { bindingExpression, syntaxOf } from './syntax-at.js';
import type { Assignment, ConfigModel, FileModel } from './types.js';

export interface Host {
  name: string;
  /** How the host was found. */
  source: 'flake' | 'hosts-dir' | 'single';
  /** The host's files (flake.nix reduced to the host's own part and what all hosts share). */
  files: FileModel[];
  /** Display paths of its entry modules. */
  entry: string[];
  /** Why the file set may be wider or narrower than the real host. */
  warnings: string[];
}

export const DEFAULT_HOST = 'default';
const HOST_DIRS = ['hosts', 'machines'];

interface FlakeHost {
  name: string;
  flake: FileModel;
  binding: Assignment;
  /** Absolute paths of the modules listed, when they could be read. */
  modules: string[];
  readable: boolean;
}

export function hostsOf(model: ConfigModel): Host[] {
  const byAbs = new Map(model.files.map((f) => [f.absPath, f]));
  const flakeHosts = model.files.flatMap(nixosConfigurations);
  const dirHosts = hostDirectories(model);
  if (flakeHosts.length > 0) return flakeHosts.map((h) => flakeHost(h, flakeHosts, dirHosts, byAbs, model));
  if (dirHosts.size > 0) {
    return [...dirHosts].map(([name, roots]) => ({
      name,
      source: 'hosts-dir' as const,
      files: closure(roots, byAbs),
      entry: roots.map((f) => f.file),
      warnings: [],
    }));
  }
  return [{ name: DEFAULT_HOST, source: 'single', files: model.files, entry: model.files.map((f) => f.file), warnings: [] }];
}

/** `nixosConfigurations.<name> = …` bindings of a flake.nix, with their module paths. */
function nixosConfigurations(file: FileModel): FlakeHost[] {
  if (file.kind !== 'nix' || path.basename(file.absPath) !== 'flake.nix') return [];
  const out: FlakeHost[] = [];
  const seen = new Set<string>();
  for (const a of file.assignments) {
    const i = a.path.indexOf('nixosConfigurations');
    if (i < 0 || a.path.length !== i + 2) continue;
    const name = a.path[i + 1]!;
    if (seen.has(name)) continue;
    seen.add(name);
    const expr = bindingExpression(file, a.span);
    const { ctx } = syntaxOf(file);
    const modules: string[] = [];
    let readable = false;
    if (expr) {
      const list = modulesList(ctx, expr);
      if (list) readable = collectModulePaths(ctx, list, path.dirname(file.absPath), modules, 0);
    }
    out.push({ name, flake: file, binding: a, modules, readable });
  }
  return out;
}

/** The `modules` value of `nixpkgs.lib.nixosSystem { modules = …; }` (or any call given such an attrset). */
function modulesList(ctx: NodeCtx, expr: SNode): SNode | undefined {
  const e = unparen(expr);
  if (e.type !== 'apply_expression') return undefined;
  for (const arg of flattenApply(e).args) {
    const a = unparen(arg);
    if (a.type !== 'attrset_expression' && a.type !== 'rec_attrset_expression') continue;
    for (const b of bindingSet(a)?.namedChildren ?? []) {
      if (b.type !== 'binding') continue;
      const ap = b.childForFieldName('attrpath');
      if (ap && attrpathParts(ctx, ap).join('.') === 'modules') return b.childForFieldName('expression') ?? undefined;
    }
  }
  return undefined;
}

/** Paths in a modules list (through `++`, `let` constants, `with`); false when part of it is not static. */
function collectModulePaths(ctx: NodeCtx, node: SNode, dir: string, out: string[], depth: number): boolean {
  if (depth > 16) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'list_expression': {
      let ok = true;
      for (const el of n.namedChildren) if (el.type !== 'comment' && !moduleElement(ctx, el, dir, out, depth)) ok = false;
      return ok;
    }
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (n.childForFieldName('operator')?.type !== '++' || !l || !r) return false;
      const a = collectModulePaths(ctx, l, dir, out, depth + 1);
      const b = collectModulePaths(ctx, r, dir, out, depth + 1);
      return a && b;
    }
    case 'variable_expression': {
      const def = resolveVariable(ctx, n, textOf(ctx, n));
      return def ? collectModulePaths(ctx, def, dir, out, depth + 1) : false;
    }
    case 'let_expression':
    case 'with_expression': {
      const body = n.childForFieldName('body');
      return body ? collectModulePaths(ctx, body, dir, out, depth + 1) : false;
    }
    default:
      return false;
  }
}

/**
 * One element of a modules list: a path is a root; a let constant is followed;
 * inline modules and `inputs.x.nixosModules.y` have nothing to follow (inline ones
 * count through flake.nix). False for a path the model cannot read (`./hosts/${name}`).
 */
function moduleElement(ctx: NodeCtx, el: SNode, dir: string, out: string[], depth: number): boolean {
  const e = unparen(el);
  if (e.type === 'path_expression') {
    if (e.namedChildren.some((c) => c.type === 'interpolation')) return false;
    out.push(path.resolve(dir, textOf(ctx, e)));
    return true;
  }
  if (e.type === 'variable_expression') {
    const def = resolveVariable(ctx, e, textOf(ctx, e));
    if (!def || depth > 16) return true;
    const d = unparen(def);
    if (d.type === 'path_expression') return moduleElement(ctx, d, dir, out, depth + 1);
    if (d.type === 'list_expression' || d.type === 'binary_expression') return collectModulePaths(ctx, d, dir, out, depth + 1);
    return true; // an inline module kept in a let
  }
  return true;
}

/** `hosts/<name>/*.nix` (or `machines/…`, or `hosts/<name>.nix`): each name's files directly in that place. */
function hostDirectories(model: ConfigModel): Map<string, FileModel[]> {
  const out = new Map<string, FileModel[]>();
  for (const f of model.files) {
    if (f.kind !== 'nix') continue;
    const parts = f.file.split('/');
    const i = parts.findIndex((p) => HOST_DIRS.includes(p));
    if (i < 0) continue;
    const rest = parts.slice(i + 1);
    let name: string | undefined;
    if (rest.length === 2) name = rest[0];
    else if (rest.length === 1 && rest[0]!.endsWith('.nix') && rest[0] !== 'default.nix') name = rest[0]!.slice(0, -'.nix'.length);
    if (!name) continue;
    const list = out.get(name);
    if (list) list.push(f);
    else out.set(name, [f]);
  }
  return out;
}

function flakeHost(h: FlakeHost, all: FlakeHost[], dirHosts: Map<string, FileModel[]>, byAbs: Map<string, FileModel>, model: ConfigModel): Host {
  const warnings: string[] = [];
  let roots = h.modules.map((m) => resolveModule(m, byAbs)).filter((f): f is FileModel => !!f);
  const missing = h.modules.filter((m) => !resolveModule(m, byAbs));
  for (const m of missing) warnings.push(`module ${path.relative(path.dirname(h.flake.absPath), m) || m} is not among the scanned files`);
  if (!h.readable || roots.length === 0) {
    const dir = dirHosts.get(h.name);
    if (dir) {
      roots = [...roots, ...dir];
      warnings.push(`the modules of nixosConfigurations.${h.name} are not static; hosts/${h.name} was used`);
    } else if (!h.readable) {
      warnings.push(`the modules of nixosConfigurations.${h.name} are not static; every scanned file was used`);
      roots = model.files.filter((f) => f !== h.flake);
    }
  }
  const files = closure(roots, byAbs).filter((f) => f !== h.flake);
  // The flake's own part for this host (inline modules) and what every host shares (nixConfig, inputs).
  const others = all.filter((o) => o.flake === h.flake && o !== h).map((o) => o.binding.span);
  const flake: FileModel = { ...h.flake, assignments: h.flake.assignments.filter((a) => !others.some((s) => a.span.startOffset >= s.startOffset && a.span.endOffset <= s.endOffset)) };
  const lock = model.files.find((f) => f.file === h.flake.flakeLockFile);
  return {
    name: h.name,
    source: 'flake',
    files: [flake, ...(lock ? [lock] : []), ...files],
    entry: [h.flake.file, ...roots.map((f) => f.file)],
    warnings,
  };
}

/** A module path: a .nix file, or a directory's default.nix. */
function resolveModule(abs: string, byAbs: Map<string, FileModel>): FileModel | undefined {
  return byAbs.get(abs) ?? byAbs.get(path.join(abs, 'default.nix'));
}

/** The roots and every scanned file they import, transitively, in a stable order. */
function closure(roots: FileModel[], byAbs: Map<string, FileModel>): FileModel[] {
  const seen = new Set<FileModel>();
  const queue = [...roots];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const imp of f.imports) {
      const target = imp.resolved ? resolveModule(imp.resolved, byAbs) : undefined;
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen];
}
