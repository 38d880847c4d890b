/**
 * Builds the FileModel of one .nix file from its syntax tree, without
 * evaluating anything: flattened assignments, Nix settings, fetcher calls,
 * channel lookups, imports, flake inputs and comments.
 */
import path from 'node:path';
import type { SNode } from '../syntax/nix/node.js';
import type { Span } from '../core/span.js';
import { LineIndex } from '../core/span.js';
import { LiteNode, parseNixForModel, type NixParseOptions } from '../syntax/nix/index.js';
import { parseNixConf } from '../syntax/nixconf.js';
import { decodeString, INTERPOLATION } from './nix-strings.js';
import {
  asWrapper,
  attrpathParts,
  bindingSet,
  flattenApply,
  nameParts,
  resolveVariable,
  spanOf,
  textOf,
  toStatic,
  unknown,
  unparen,
  type NodeCtx,
} from './nix-values.js';
import { settingsFromAssignments, stripUserPrefix, type ExtraOptionsSource } from './settings.js';
import type { Assignment, ChannelLookup, FetchCall, FetcherName, FileModel, FlakeInput, ImportRef, StaticValue, Wrapper } from './types.js';

const FETCHERS = new Set<string>(['fetchTarball', 'fetchurl', 'fetchGit', 'fetchTree', 'fetchFromGitHub', 'fetchFromGitLab', 'fetchgit', 'fetchzip', 'getFlake']);
/** Fetchers that are builtins in Nix's global scope, so a bare name means the builtin. */
const GLOBAL_BUILTIN_FETCHERS = new Set<string>(['fetchTarball', 'fetchGit', 'fetchTree']);
const BUILTIN_FETCHERS = new Set<string>(['fetchTarball', 'fetchurl', 'fetchGit', 'fetchTree', 'getFlake']);

interface Ctx extends NodeCtx {
  absPath: string;
  assignments: Assignment[];
  fetches: FetchCall[];
  channels: ChannelLookup[];
  imports: ImportRef[];
  comments: { line: number; text: string }[];
  extraOptions: ExtraOptionsSource[];
  seenImports: Set<number>;
  /** Definitions of let-bound variables being walked (a cycle stops there). */
  expanding: Set<number>;
  /** Attribute sets being walked, nested: past MAX_NESTING the walk stops (pathological files). */
  nesting: number;
}

const MAX_NESTING = 200;

export interface NixFileInput {
  file: string;
  absPath: string;
  text: string;
}

/** Which tree the model reads, and whether tree-sitter double-checks the light parser (syntax/nix/index.ts). */
export type NixModelOptions = NixParseOptions;

export function modelNixFile(input: NixFileInput, opts: NixModelOptions = {}): FileModel {
  const { file, absPath, text } = input;
  const lines = new LineIndex(text);
  const parsed = parseNixForModel(text, opts);
  const ctx: Ctx = {
    file,
    absPath,
    text,
    lines,
    assignments: [],
    fetches: [],
    channels: [],
    imports: [],
    comments: [],
    extraOptions: [],
    seenImports: new Set(),
    expanding: new Set(),
    nesting: 0,
  };
  const root = parsed.root;
  if (root instanceof LiteNode) ctx.boundNames = root.boundNames;
  const top = root.childForFieldName('expression');

  try {
    collectByType(ctx, root);
    if (top) walkModule(ctx, top, [], [], true);
  } catch (err) {
    // Out of stack on a nesting deeper than the walks' own bounds: the file is still
    // valid Nix (the parse decided that), so keep what was found and leave the rest unknown.
    if (!(err instanceof RangeError)) throw err;
  }
  ctx.comments.sort((a, b) => a.line - b.line);

  const isFlake = path.basename(absPath) === 'flake.nix';
  const flakeTop = isFlake && top ? topAttrset(top) : undefined;
  const nixConfigSpans = flakeTop ? topBindingSpans(ctx, flakeTop, 'nixConfig') : [];

  const model: FileModel = {
    file,
    absPath,
    kind: 'nix',
    text,
    assignments: ctx.assignments,
    settings: settingsFromAssignments(ctx.assignments, ctx.extraOptions, lines, file, nixConfigSpans),
    fetches: ctx.fetches,
    channels: ctx.channels,
    imports: ctx.imports,
    parseProblems: parsed.error ? [{ message: parsed.error.message, span: lines.span(file, parsed.error.startOffset, parsed.error.endOffset) }] : [],
    comments: ctx.comments,
  };
  if (isFlake) model.flakeInputs = flakeTop ? flakeInputs(ctx, flakeTop) : [];
  return model;
}

// ---------------------------------------------------------------------------
// Things found anywhere in the tree: comments, channels, fetchers, imports.

function collectByType(ctx: Ctx, root: SNode): void {
  for (const n of root.descendantsOfType(['comment', 'spath_expression', 'apply_expression'])) {
    switch (n.type) {
      case 'comment':
        ctx.comments.push({ line: ctx.lines.position(n.startIndex).line, text: textOf(ctx, n).replace(/\r$/, '') });
        break;
      case 'spath_expression':
        ctx.channels.push({ name: textOf(ctx, n).slice(1, -1), span: spanOf(ctx, n) });
        break;
      case 'apply_expression':
        applyFacts(ctx, n);
        break;
    }
  }
}

function applyFacts(ctx: Ctx, n: SNode): void {
  const f = n.childForFieldName('function');
  const arg = n.childForFieldName('argument');
  if (!f || !arg) return;
  const fn = unparen(f);
  if (fn.type !== 'variable_expression' && fn.type !== 'select_expression') return;
  const parts = nameParts(ctx, fn);
  if (!parts) return;
  const name = parts[parts.length - 1]!;
  if (FETCHERS.has(name)) {
    ctx.fetches.push(fetchCall(ctx, n, fn, arg, parts));
  } else if (name === 'import' && (parts.length === 1 || (parts.length === 2 && parts[0] === 'builtins'))) {
    addImport(ctx, unparen(arg));
  }
}

function fetchCall(ctx: Ctx, call: SNode, fn: SNode, argNode: SNode, parts: string[]): FetchCall {
  const name = parts[parts.length - 1] as FetcherName;
  const builtin = parts.length === 1 ? GLOBAL_BUILTIN_FETCHERS.has(name) : parts.length === 2 && parts[0] === 'builtins' && BUILTIN_FETCHERS.has(name);
  const args = new Map<string, StaticValue>();
  let a = unparen(argNode);
  if (a.type === 'variable_expression') {
    const def = resolveVariable(ctx, a, textOf(ctx, a));
    if (def) a = unparen(def);
  }
  if (a.type === 'attrset_expression' || a.type === 'rec_attrset_expression') {
    const v = toStatic(ctx, a);
    if (v.kind === 'attrs') for (const [k, x] of v.entries) args.set(k, x);
  } else {
    const v = toStatic(ctx, a);
    if (v.kind === 'string' || a.type === 'string_expression' || a.type === 'indented_string_expression' || a.type === 'uri_expression') args.set('url', v);
  }
  return { fetcher: name, callee: textOf(ctx, fn), builtin, args, span: spanOf(ctx, call), argSpan: spanOf(ctx, argNode) };
}

function addImport(ctx: Ctx, n: SNode): void {
  if (n.type !== 'path_expression' && n.type !== 'hpath_expression') return;
  if (ctx.seenImports.has(n.startIndex)) return;
  ctx.seenImports.add(n.startIndex);
  const text = textOf(ctx, n);
  const ref: ImportRef = { text, span: spanOf(ctx, n) };
  if (n.type === 'path_expression' && !n.namedChildren.some((c) => c.type === 'interpolation')) {
    ref.resolved = path.resolve(path.dirname(ctx.absPath), text);
  }
  ctx.imports.push(ref);
}

// ---------------------------------------------------------------------------
// Assignments: the module walk.

/** Peels what does not change which attributes a module sets: parens, `let`, `with`, `assert`, a function's formals. */
function peelStructure(n: SNode): SNode {
  for (;;) {
    n = unparen(n);
    const t = n.type;
    if (t === 'function_expression' || t === 'let_expression' || t === 'with_expression' || t === 'assert_expression') {
      const b = n.childForFieldName('body');
      if (!b) return n;
      n = b;
      continue;
    }
    return n;
  }
}

/**
 * Walks a module (or any attrset-valued expression) whose attributes live under
 * `prefix`. `moduleRoot` says this expression is a whole module, whose leading
 * `config.` is dropped.
 */
function walkModule(ctx: Ctx, node: SNode, prefix: string[], wrappers: Wrapper[], moduleRoot: boolean): void {
  const n = peelStructure(node);
  const t = n.type;
  if (t === 'attrset_expression' || t === 'rec_attrset_expression') {
    walkBindings(ctx, n, prefix, wrappers, moduleRoot);
    return;
  }
  if (t === 'apply_expression') {
    const w = asWrapper(ctx, n);
    if (w) {
      const value = w.call.args[w.call.args.length - 1]!;
      if (w.wrapper === 'mkMerge') {
        const list = peelStructure(value);
        if (list.type === 'list_expression') {
          for (const el of list.namedChildren) if (el.type !== 'comment') walkModule(ctx, el, prefix, [...wrappers, 'mkMerge'], moduleRoot);
        }
        return;
      }
      walkModule(ctx, value, prefix, [...wrappers, w.wrapper], moduleRoot);
      return;
    }
    findModuleLists(ctx, n);
    return;
  }
  if (t === 'if_expression') {
    for (const f of ['consequence', 'alternative']) {
      const b = n.childForFieldName(f);
      if (b) walkModule(ctx, b, prefix, wrappers, moduleRoot);
    }
    return;
  }
  if (isUpdate(n)) {
    walkUpdate(ctx, n, prefix, wrappers, moduleRoot);
    return;
  }
  if (t === 'variable_expression') {
    // `let common = { … }; in common` / `nix.settings = caches;`: walk the definition (spans point there).
    const def = resolveVariable(ctx, n, textOf(ctx, n));
    if (def && !ctx.expanding.has(def.id)) {
      ctx.expanding.add(def.id);
      try {
        walkModule(ctx, def, prefix, wrappers, moduleRoot);
      } finally {
        ctx.expanding.delete(def.id);
      }
    }
  }
}

function isUpdate(n: SNode): boolean {
  return n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '//';
}

/**
 * `left // right`: both operands' attributes count, and a top-level name that
 * a literal right operand sets replaces the left one's (`//` is shallow). An
 * operand that is not a literal contributes nothing and replaces nothing.
 */
function walkUpdate(ctx: Ctx, n: SNode, prefix: string[], wrappers: Wrapper[], moduleRoot: boolean): void {
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  const a0 = ctx.assignments.length;
  const e0 = ctx.extraOptions.length;
  if (left) walkModule(ctx, left, prefix, wrappers, moduleRoot);
  const a1 = ctx.assignments.length;
  const e1 = ctx.extraOptions.length;
  if (!right) return;
  walkModule(ctx, right, prefix, wrappers, moduleRoot);
  const names = literalNames(ctx, right, moduleRoot);
  if (names.size === 0) return;
  const shadowed = (p: string[]): boolean => names.has(p[prefix.length] ?? '');
  const keptA = ctx.assignments.slice(a0, a1).filter((a) => !shadowed(a.path));
  ctx.assignments.splice(a0, a1 - a0, ...keptA);
  const keptE = ctx.extraOptions.slice(e0, e1).filter((e) => !shadowed(e.optionPath));
  ctx.extraOptions.splice(e0, e1 - e0, ...keptE);
}

/** The top-level names an attrset literal surely sets (none for anything else, e.g. an `if`). */
function literalNames(ctx: Ctx, node: SNode, moduleRoot: boolean): Set<string> {
  const out = new Set<string>();
  const n = peelStructure(node);
  if (n.type !== 'attrset_expression' && n.type !== 'rec_attrset_expression') return out;
  const bs = bindingSet(n);
  for (const b of bs?.namedChildren ?? []) {
    if (b.type === 'binding') {
      const ap = b.childForFieldName('attrpath');
      if (!ap) continue;
      const parts = attrpathParts(ctx, ap);
      // A module's `config.nix = …` sets option `nix` (but `config = …` could set anything).
      if (moduleRoot && parts[0] === 'config') {
        if (parts.length > 1) out.add(parts[1]!);
      } else out.add(parts[0]!);
    } else if (b.type === 'inherit' || b.type === 'inherit_from') {
      for (const a of b.childForFieldName('attrs')?.namedChildren ?? []) if (a.type !== 'comment') out.add(textOf(ctx, a));
    }
  }
  return out;
}

function walkBindings(ctx: Ctx, attrset: SNode, prefix: string[], wrappers: Wrapper[], moduleRoot: boolean): void {
  const bs = bindingSet(attrset);
  if (!bs || ctx.nesting >= MAX_NESTING) return;
  ctx.nesting++;
  try {
    walkBindingSet(ctx, bs, prefix, wrappers, moduleRoot);
  } finally {
    ctx.nesting--;
  }
}

function walkBindingSet(ctx: Ctx, bs: SNode, prefix: string[], wrappers: Wrapper[], moduleRoot: boolean): void {
  for (const b of bs.namedChildren) {
    if (b.type === 'binding') {
      const ap = b.childForFieldName('attrpath');
      const e = b.childForFieldName('expression');
      if (!ap || !e) continue;
      let parts = attrpathParts(ctx, ap);
      // A module's `config = { … }` / `config.x = …`: paths read like option names.
      if (moduleRoot && parts[0] === 'config') parts = parts.slice(1);
      bindingValue(ctx, prefix.concat(parts), e, b, ap, wrappers);
    } else if (b.type === 'inherit' || b.type === 'inherit_from') {
      const attrs = b.childForFieldName('attrs');
      if (!attrs) continue;
      for (const a of attrs.namedChildren) {
        if (a.type === 'comment') continue;
        const name = textOf(ctx, a);
        let value: StaticValue = unknown(ctx, a);
        if (b.type === 'inherit') {
          const def = resolveVariable(ctx, b, name);
          if (def) value = toStatic(ctx, def);
        }
        ctx.assignments.push({ path: prefix.concat([name]), value, span: spanOf(ctx, b), keySpan: spanOf(ctx, a), wrappers: [...wrappers] });
      }
    }
  }
}

/** One `path = value;`: recurse into attrset values, record everything else as a leaf. */
function bindingValue(ctx: Ctx, fullPath: string[], valueNode: SNode, binding: SNode, keyNode: SNode, wrappers: Wrapper[]): void {
  if (isExportedModule(fullPath, valueNode)) {
    // A flake's `nixosModules.<name> = { … }` is a module of its own: its options are real settings.
    const e = peelValue(valueNode);
    if (e.type === 'path_expression' || e.type === 'hpath_expression') addImport(ctx, e);
    else walkModule(ctx, valueNode, [], wrappers, true);
    return;
  }
  let v = peelValue(valueNode);
  const ws = [...wrappers];
  for (;;) {
    v = peelValue(v);
    const w = asWrapper(ctx, v);
    if (!w) break;
    if (w.wrapper === 'mkMerge') {
      const list = peelStructure(w.call.args[0]!);
      if (list.type === 'list_expression') {
        for (const el of list.namedChildren) if (el.type !== 'comment') bindingValue(ctx, fullPath, el, binding, keyNode, [...ws, 'mkMerge']);
        return;
      }
      break;
    }
    ws.push(w.wrapper);
    v = unparen(w.call.args[w.call.args.length - 1]!);
  }
  const inner = peelStructure(v);
  if (inner.type === 'attrset_expression' || inner.type === 'rec_attrset_expression') {
    walkBindings(ctx, inner, fullPath, ws, false);
    return;
  }
  if (isUpdate(inner) || (inner.type === 'variable_expression' && isAttrsetDefinition(ctx, inner))) {
    const before = ctx.assignments.length;
    walkModule(ctx, inner, fullPath, ws, false);
    if (ctx.assignments.length > before) return;
  }
  if (inner.type === 'apply_expression' && asWrapper(ctx, inner) && inner !== v) {
    // e.g. `x = { config, ... }: lib.mkIf c { … }`
    walkModule(ctx, inner, fullPath, ws, false);
    return;
  }
  if (inner.type === 'apply_expression') findModuleLists(ctx, inner);

  const last = fullPath[fullPath.length - 1];
  if (last === 'imports' || last === 'modules') {
    for (const list of concatenatedLists(v)) moduleList(ctx, list, last === 'imports' ? fullPath.slice(0, -1) : []);
  }
  const stripped = stripUserPrefix(fullPath);
  if (stripped.length === 2 && stripped[0] === 'nix' && stripped[1] === 'extraOptions') {
    ctx.extraOptions.push(...extraOptionsSources(ctx, v, fullPath, binding, keyNode, ws));
  }
  if (fullPath.length === 0) return;
  ctx.assignments.push({ path: fullPath, value: toStatic(ctx, v), span: spanOf(ctx, binding), keySpan: spanOf(ctx, keyNode), wrappers: ws });
}

/** Attribute sets of modules a flake exports (also under flake-parts' `flake.`). */
const MODULE_SETS = new Set(['nixosModules', 'darwinModules', 'homeManagerModules', 'homeModules']);
/** The deprecated single-module outputs. */
const SINGLE_MODULES = new Set(['nixosModule', 'darwinModule', 'homeManagerModule']);

/** Module classes of the "dendritic" style: `flake.modules.nixos.<name>`, `modules.darwin.<name>`. */
const MODULE_CLASSES = new Set(['nixos', 'darwin', 'homeManager', 'home-manager', 'home', 'generic']);

function isExportedModule(p: string[], valueNode?: SNode): boolean {
  const n = p.length;
  if (n >= 2 && MODULE_SETS.has(p[n - 2]!)) return true;
  if (n >= 1 && SINGLE_MODULES.has(p[n - 1]!) && (n === 1 || p[n - 2] === 'outputs' || p[n - 2] === 'flake')) return true;
  if (n >= 3 && p[n - 3] === 'modules' && MODULE_CLASSES.has(p[n - 2]!)) return true;
  // `<anything>.modules.<name> = { pkgs, ... }: { … }`: a function taking module arguments is a module.
  return n >= 2 && p[n - 2] === 'modules' && valueNode !== undefined && unparen(valueNode).type === 'function_expression';
}

/** Peels what wraps a value without changing it: parens, `with`, `let`, `assert` (not functions). */
function peelValue(n: SNode): SNode {
  for (;;) {
    n = unparen(n);
    const t = n.type;
    if (t !== 'let_expression' && t !== 'with_expression' && t !== 'assert_expression') return n;
    const b = n.childForFieldName('body');
    if (!b) return n;
    n = b;
  }
}

/** Is this variable bound (by `let` / `rec`) to an attrset literal or a `//` of them? */
function isAttrsetDefinition(ctx: Ctx, v: SNode): boolean {
  const def = resolveVariable(ctx, v, textOf(ctx, v));
  if (!def) return false;
  const d = peelStructure(def);
  return d.type === 'attrset_expression' || d.type === 'rec_attrset_expression' || isUpdate(d);
}

/** Elements of `imports = [ … ]` / `modules = [ … ]`: paths are imports, inline modules are walked. */
function moduleList(ctx: Ctx, list: SNode, prefix: string[]): void {
  for (const el of list.namedChildren) {
    if (el.type === 'comment') continue;
    const e = unparen(el);
    if (e.type === 'path_expression' || e.type === 'hpath_expression') addImport(ctx, e);
    else if (e.type !== 'apply_expression' || asWrapper(ctx, e)) {
      const inner = peelStructure(e);
      if (inner.type === 'attrset_expression' || inner.type === 'rec_attrset_expression' || inner.type === 'apply_expression') walkModule(ctx, e, prefix, [], true);
    }
  }
}

/** The list literals of `[ … ]` or `a ++ [ … ] ++ b` (modules lists are often built that way). */
function concatenatedLists(n: SNode): SNode[] {
  const e = peelStructure(n);
  if (e.type === 'list_expression') return [e];
  if (e.type !== 'binary_expression' || e.childForFieldName('operator')?.type !== '++') return [];
  const l = e.childForFieldName('left');
  const r = e.childForFieldName('right');
  return [...(l ? concatenatedLists(l) : []), ...(r ? concatenatedLists(r) : [])];
}

/** In `nixpkgs.lib.nixosSystem { modules = [ … ]; }` and the like, walk the modules. */
function findModuleLists(ctx: Ctx, apply: SNode): void {
  for (const a of flattenApply(apply).args) {
    const arg = peelStructure(a);
    if (arg.type !== 'attrset_expression' && arg.type !== 'rec_attrset_expression') continue;
    const bs = bindingSet(arg);
    if (!bs) continue;
    for (const b of bs.namedChildren) {
      if (b.type !== 'binding') continue;
      const ap = b.childForFieldName('attrpath');
      const e = b.childForFieldName('expression');
      if (!ap || !e) continue;
      const parts = attrpathParts(ctx, ap);
      if (parts.length === 1 && parts[0] === 'modules') {
        for (const list of concatenatedLists(e)) moduleList(ctx, list, []);
      } else if (parts[0] === 'flake') {
        // flake-parts' `mkFlake { … } { flake.nixosModules.x = …; }`
        bindingValue(ctx, parts, e, b, ap, []);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// nix.extraOptions: nix.conf syntax inside a Nix string.

function extraOptionsSources(ctx: Ctx, v: SNode, fullPath: string[], binding: SNode, keyNode: SNode, wrappers: Wrapper[]): ExtraOptionsSource[] {
  const strings: SNode[] = [];
  const collect = (n: SNode, depth: number): void => {
    n = unparen(n);
    if (depth > 16) return;
    if (n.type === 'string_expression' || n.type === 'indented_string_expression') strings.push(n);
    else if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '+') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l) collect(l, depth + 1);
      if (r) collect(r, depth + 1);
    } else if (n.type === 'variable_expression') {
      const def = resolveVariable(ctx, n, textOf(ctx, n));
      if (def) collect(def, depth + 1);
    } else if (n.type === 'let_expression' || n.type === 'with_expression') {
      const b = n.childForFieldName('body');
      if (b) collect(b, depth + 1);
    } else if (n.type === 'apply_expression') {
      const w = asWrapper(ctx, n);
      if (w) {
        if (w.wrapper !== 'mkMerge') collect(w.call.args[w.call.args.length - 1]!, depth + 1);
        return;
      }
      for (const piece of stringPieces(ctx, n)) collect(piece, depth + 1);
    }
  };
  collect(v, 0);
  return strings.map((s) => {
    const d = decodeString(s, ctx.text);
    const conf = parseNixConf(d.value, INTERPOLATION);
    // nix.conf comments inside the string count as comments of the file (inline suppressions).
    for (const c of conf.comments) {
      const off = d.offsets[c.start];
      if (off !== undefined) ctx.comments.push({ line: ctx.lines.position(off).line, text: c.text });
    }
    return { optionPath: fullPath, decoded: d, conf, stringSpan: spanOf(ctx, s), bindingSpan: spanOf(ctx, binding), keySpan: spanOf(ctx, keyNode), wrappers };
  });
}

/**
 * The strings a string-building call may contribute: the text of
 * `optionalString c "…"` (as if c held), and the elements of `concatLines [ … ]`
 * or `concatStringsSep "\n" [ … ]` (one nix.conf line each). Other calls: none.
 */
function stringPieces(ctx: Ctx, apply: SNode): SNode[] {
  const call = flattenApply(apply);
  const parts = nameParts(ctx, call.fn);
  if (!parts) return [];
  const name = parts[parts.length - 1]!;
  if (parts.length > 1 && !['lib', 'strings', 'builtins'].includes(parts[parts.length - 2]!)) return [];
  const listElements = (n: SNode): SNode[] => {
    const l = peelValue(n);
    return l.type === 'list_expression' ? l.namedChildren.filter((c) => c.type !== 'comment') : [];
  };
  if (name === 'optionalString' && call.args.length === 2) return [call.args[1]!];
  if (name === 'concatLines' && call.args.length === 1) return listElements(call.args[0]!);
  if (name === 'concatStringsSep' && call.args.length === 2) {
    const sep = toStatic(ctx, call.args[0]!);
    if (sep.kind === 'string' && sep.value.includes('\n')) return listElements(call.args[1]!);
  }
  return [];
}

// ---------------------------------------------------------------------------
// flake.nix

function topAttrset(top: SNode): SNode | undefined {
  const n = peelStructure(top);
  return n.type === 'attrset_expression' || n.type === 'rec_attrset_expression' ? n : undefined;
}

function topBindingSpans(ctx: Ctx, attrset: SNode, name: string): Span[] {
  const out: Span[] = [];
  const bs = bindingSet(attrset);
  if (!bs) return out;
  for (const b of bs.namedChildren) {
    if (b.type !== 'binding') continue;
    const ap = b.childForFieldName('attrpath');
    if (ap && attrpathParts(ctx, ap)[0] === name) out.push(spanOf(ctx, b));
  }
  return out;
}

function within(inner: Span, outer: { startOffset: number; endOffset: number }): boolean {
  return inner.startOffset >= outer.startOffset && inner.endOffset <= outer.endOffset;
}

/** flake.nix `inputs`, in every spelling: `inputs.x.url = …`, `inputs = { x.url = …; y = { … }; z.follows = …; }`. */
function flakeInputs(ctx: Ctx, attrset: SNode): FlakeInput[] {
  // Each input's anchor: the outermost binding that names it.
  const anchors = new Map<string, Span[]>();
  const order: string[] = [];
  const addAnchor = (name: string, b: SNode): void => {
    let list = anchors.get(name);
    if (!list) {
      list = [];
      anchors.set(name, list);
      order.push(name);
    }
    list.push(spanOf(ctx, b));
  };
  const bs = bindingSet(attrset);
  if (bs) {
    for (const b of bs.namedChildren) {
      if (b.type !== 'binding') continue;
      const ap = b.childForFieldName('attrpath');
      const e = b.childForFieldName('expression');
      if (!ap || !e) continue;
      const parts = attrpathParts(ctx, ap);
      if (parts[0] !== 'inputs') continue;
      if (parts.length >= 2) addAnchor(parts[1]!, b);
      else {
        const inner = peelStructure(e);
        const ibs = inner.type === 'attrset_expression' || inner.type === 'rec_attrset_expression' ? bindingSet(inner) : undefined;
        if (!ibs) continue;
        for (const ib of ibs.namedChildren) {
          if (ib.type === 'binding') {
            const iap = ib.childForFieldName('attrpath');
            if (iap) addAnchor(attrpathParts(ctx, iap)[0]!, ib);
          } else if (ib.type === 'inherit' || ib.type === 'inherit_from') {
            const attrs = ib.childForFieldName('attrs');
            for (const a of attrs?.namedChildren ?? []) if (a.type !== 'comment') addAnchor(textOf(ctx, a), ib);
          }
        }
      }
    }
  }
  const out: FlakeInput[] = [];
  for (const name of order) {
    const spans = anchors.get(name)!;
    const input: FlakeInput = { name, attrs: new Map(), nestedFollows: new Map(), isFlake: true, span: spans[0]! };
    for (const a of ctx.assignments) {
      if (a.path[0] !== 'inputs' || a.path[1] !== name || !spans.some((s) => within(a.span, s))) continue;
      const rest = a.path.slice(2);
      if (rest.length === 0) {
        if (a.value.kind === 'string') input.url = a.value; // `inputs.x = "…"` is not flake syntax, but keep what was meant
        continue;
      }
      if (rest.length === 1) {
        const k = rest[0]!;
        if (k === 'url') input.url = a.value;
        else if (k === 'follows') input.follows = a.value;
        else if (k === 'flake') {
          input.isFlake = !(a.value.kind === 'bool' && a.value.value === false);
          input.attrs.set(k, a.value);
        } else input.attrs.set(k, a.value);
      } else if (rest[0] === 'inputs' && rest.length === 3 && rest[2] === 'follows') {
        input.nestedFollows.set(rest[1]!, a.value);
      } else if (rest[0] === 'inputs' && rest.length === 2 && a.value.kind === 'attrs') {
        const f = a.value.entries.get('follows');
        if (f) input.nestedFollows.set(rest[1]!, f);
      }
    }
    out.push(input);
  }
  return out;
}
