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
import type { SNode } from '../syntax/nix/index.js';
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

/** `self.nixosModules.nginx`, `inputs.self.nixosModules.nginx`, `self.modules.nixos.nginx`: a module the flake exports. */
const SELF_MODULE = /^(?:inputs\.)?self\.(?:nixosModules|modules\.nixos)\.([A-Za-z0-9_'-]+|"[^"]+")$/;
const MODULE_DIRS = new Set(['modules', 'nixos', 'nixosModules', 'nixos-modules', 'module']);

/**
 * A module the flake exports by name, found by its file: `<dir>/<name>.nix` or
 * `<dir>/<name>/default.nix` under a `modules`/`nixos` directory. Flakes usually
 * build `nixosModules` from such a directory listing, which cannot be read statically.
 */
function namedModuleResolver(files: FileModel[]): (name: string) => FileModel | undefined {
  return (name) => {
    const n = name.replace(/^"|"$/g, '');
    const found = files.filter((f) => {
      const parts = f.file.split('/');
      const file = parts[parts.length - 1];
      const own = file === `${n}.nix` ? parts.slice(0, -1) : file === 'default.nix' && parts[parts.length - 2] === n ? parts.slice(0, -2) : undefined;
      return own !== undefined && own.some((p) => MODULE_DIRS.has(p));
    });
    return found.sort((a, b) => a.file.length - b.file.length)[0];
  };
}

type Named = (name: string) => FileModel | undefined;

export function hostsOf(model: ConfigModel): Host[] {
  const byAbs = new Map(model.files.map((f) => [f.absPath, f]));
  const named = namedModuleResolver(model.files);
  const flakeHosts = model.files.flatMap((f) => nixosConfigurations(f, named));
  const dirHosts = hostDirectories(model);
  if (flakeHosts.length > 0) return flakeHosts.map((h) => flakeHost(h, flakeHosts, dirHosts, byAbs, named, model));
  if (dirHosts.size > 0) {
    // A flake at the top that names no host still pins what every host is built from.
    const flake = model.files.filter((f) => f.file === 'flake.nix' || f.file === 'flake.lock');
    return [...dirHosts].map(([name, roots]) => ({
      name,
      source: 'hosts-dir' as const,
      files: [...flake, ...closure(roots, byAbs, named).filter((f) => !flake.includes(f))],
      entry: roots.map((f) => f.file),
      warnings: [],
    }));
  }
  return [{ name: DEFAULT_HOST, source: 'single', files: model.files, entry: model.files.map((f) => f.file), warnings: [] }];
}

/** `nixosConfigurations.<name> = …` bindings of a flake.nix, with their module paths. */
function nixosConfigurations(file: FileModel, named: Named): FlakeHost[] {
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
      if (list) readable = collectModulePaths({ ctx, dir: path.dirname(file.absPath), out: modules, named }, list, 0);
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
interface ModuleWalk {
  ctx: NodeCtx;
  /** The flake's directory: module paths are relative to it. */
  dir: string;
  /** Absolute paths of the modules found. */
  out: string[];
  named: Named;
}

function collectModulePaths(w: ModuleWalk, node: SNode, depth: number): boolean {
  const { ctx } = w;
  if (depth > 16) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'list_expression': {
      let ok = true;
      for (const el of n.namedChildren) if (el.type !== 'comment' && !moduleElement(w, el, depth)) ok = false;
      return ok;
    }
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (n.childForFieldName('operator')?.type !== '++' || !l || !r) return false;
      const a = collectModulePaths(w, l, depth + 1);
      const b = collectModulePaths(w, r, depth + 1);
      return a && b;
    }
    case 'variable_expression': {
      const def = resolveVariable(ctx, n, textOf(ctx, n));
      return def ? collectModulePaths(w, def, depth + 1) : false;
    }
    case 'let_expression':
    case 'with_expression': {
      const body = n.childForFieldName('body');
      return body ? collectModulePaths(w, body, depth + 1) : false;
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
function moduleElement(w: ModuleWalk, el: SNode, depth: number): boolean {
  const { ctx } = w;
  const e = unparen(el);
  if (e.type === 'path_expression') {
    if (e.namedChildren.some((c) => c.type === 'interpolation')) return false;
    w.out.push(path.resolve(w.dir, textOf(ctx, e)));
    return true;
  }
  if (e.type === 'select_expression') {
    const m = SELF_MODULE.exec(textOf(ctx, e));
    const f = m ? w.named(m[1]!) : undefined;
    if (f) w.out.push(f.absPath);
    return true;
  }
  if (e.type === 'variable_expression') {
    const def = resolveVariable(ctx, e, textOf(ctx, e));
    if (!def || depth > 16) return true;
    const d = unparen(def);
    if (d.type === 'path_expression') return moduleElement(w, d, depth + 1);
    if (d.type === 'list_expression' || d.type === 'binary_expression') return collectModulePaths(w, d, depth + 1);
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

function flakeHost(h: FlakeHost, all: FlakeHost[], dirHosts: Map<string, FileModel[]>, byAbs: Map<string, FileModel>, named: Named, model: ConfigModel): Host {
  const warnings: string[] = [];
  let roots = h.modules.map((m) => resolveModule(m, byAbs)).filter((f): f is FileModel => !!f);
  const missing = h.modules.filter((m) => !resolveModule(m, byAbs));
  for (const m of missing) warnings.push(`module ${path.relative(path.dirname(h.flake.absPath), m) || m} is not among the scanned files`);
  if (!h.readable || roots.length === 0) {
    const dir = dirHosts.get(h.name);
    if (dir) {
      roots = [...roots, ...dir];
      warnings.push(`the modules of nixosConfigurations.${h.name} are not static; used ${dir.map((f) => f.file).join(', ')} and what they import`);
    } else if (!h.readable) {
      warnings.push(`the modules of nixosConfigurations.${h.name} are not static; every scanned file was used`);
      roots = model.files.filter((f) => f !== h.flake);
    }
  }
  const files = closure(roots, byAbs, named).filter((f) => f !== h.flake);
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

/** `imports = [ self.nixosModules.x … ]`: the files of the named modules. */
function namedImports(f: FileModel, named: Named): FileModel[] {
  const out: FileModel[] = [];
  for (const a of f.assignments) {
    if (a.path[a.path.length - 1] !== 'imports' || a.value.kind !== 'list') continue;
    for (const item of a.value.items) {
      const m = item.kind === 'unknown' ? SELF_MODULE.exec(item.text) : null;
      const target = m ? named(m[1]!) : undefined;
      if (target) out.push(target);
    }
  }
  return out;
}

/** The roots and every scanned file they import, transitively, in a stable order. */
function closure(roots: FileModel[], byAbs: Map<string, FileModel>, named: Named): FileModel[] {
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
    for (const target of namedImports(f, named)) if (!seen.has(target)) queue.push(target);
  }
  return [...seen];
}
