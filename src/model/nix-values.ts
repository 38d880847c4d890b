/**
 * Static values of Nix expressions: literals, lists, attribute sets, `++`/`+`
 * of known parts, simple `let` constants, and values under module-system
 * wrappers. Everything else is `unknown`. Nothing is evaluated.
 */
import type { SNode } from '../syntax/nix/node.js';
import type { Span } from '../core/span.js';
import type { LineIndex } from '../core/span.js';
import { decodeString } from './nix-strings.js';
import type { StaticValue, Wrapper } from './types.js';

export interface NodeCtx {
  file: string;
  /** The original file text (offsets index into it). */
  text: string;
  lines: LineIndex;
  /** Names bound by some `let` / `rec { }` of the file, when the parser knows them (a fast negative for resolveVariable). */
  boundNames?: Set<string> | null;
  /** Ids of the `let` / `rec` definitions whose values are being built (a self-reference stops there). */
  resolving?: Set<number>;
}

export function spanOf(ctx: NodeCtx, n: SNode): Span {
  return ctx.lines.span(ctx.file, n.startIndex, n.endIndex);
}

export function textOf(ctx: NodeCtx, n: SNode): string {
  return ctx.text.slice(n.startIndex, n.endIndex);
}

const WRAPPER_ARITY: Record<Wrapper, number> = {
  mkForce: 1,
  mkDefault: 1,
  mkBefore: 1,
  mkAfter: 1,
  mkMerge: 1,
  mkIf: 2,
  mkOverride: 2,
  mkOrder: 2,
};

/** An application flattened: `f a b` → { fn: f, args: [a, b] }. */
export interface Call {
  fn: SNode;
  args: SNode[];
}

export function flattenApply(node: SNode): Call {
  const args: SNode[] = [];
  let n = node;
  while (n.type === 'apply_expression') {
    const a = n.childForFieldName('argument');
    const f = n.childForFieldName('function');
    if (!a || !f) break;
    args.unshift(a);
    n = f;
  }
  return { fn: n, args };
}

/** `foo` or `a.b.foo` → ['foo'] / ['a','b','foo'] when every part is a plain identifier. */
export function nameParts(ctx: NodeCtx, n: SNode): string[] | undefined {
  if (n.type === 'variable_expression') return [textOf(ctx, n)];
  if (n.type === 'select_expression') {
    if (n.childForFieldName('default')) return undefined;
    const base = n.childForFieldName('expression');
    const ap = n.childForFieldName('attrpath');
    if (!base || !ap || base.type !== 'variable_expression') return undefined;
    const parts = [textOf(ctx, base)];
    for (const a of ap.namedChildren) {
      if (a.type !== 'identifier') return undefined;
      parts.push(textOf(ctx, a));
    }
    return parts;
  }
  return undefined;
}

/** If `node` is a (fully applied) module-system wrapper call, its name and the call. */
export function asWrapper(ctx: NodeCtx, node: SNode): { wrapper: Wrapper; call: Call } | undefined {
  if (node.type !== 'apply_expression') return undefined;
  const call = flattenApply(node);
  const parts = nameParts(ctx, call.fn);
  if (!parts) return undefined;
  const name = parts[parts.length - 1]!;
  if (!(name in WRAPPER_ARITY)) return undefined;
  // `mkForce`, `lib.mkForce`, `lib.modules.mkForce`, `pkgs.lib.mkForce`: the part before is `lib` (or `lib.modules`).
  const owner = parts.slice(0, -1);
  if (owner[owner.length - 1] === 'modules') owner.pop();
  if (parts.length > 1 && owner[owner.length - 1] !== 'lib') return undefined;
  const wrapper = name as Wrapper;
  if (call.args.length !== WRAPPER_ARITY[wrapper]) return undefined;
  return { wrapper, call };
}

export function unparen(n: SNode): SNode {
  while (n.type === 'parenthesized_expression') {
    const e = n.childForFieldName('expression');
    if (!e) break;
    n = e;
  }
  return n;
}

/** The attribute names of an attrpath; dynamic parts keep their source text (`${x}`). */
export function attrpathParts(ctx: NodeCtx, ap: SNode): string[] {
  const parts: string[] = [];
  for (const a of ap.namedChildren) {
    if (a.type === 'identifier') parts.push(textOf(ctx, a));
    else if (a.type === 'string_expression') {
      const d = decodeString(a, ctx.text);
      parts.push(d.hasInterpolation ? textOf(ctx, a) : d.value);
    } else if (a.type !== 'comment') parts.push(textOf(ctx, a));
  }
  return parts;
}

/** The binding_set of an attrset / rec attrset / let node, if any. */
export function bindingSet(n: SNode): SNode | undefined {
  for (const c of n.namedChildren) if (c.type === 'binding_set') return c;
  return undefined;
}

/** For a bare identifier used as a value, the expression it is bound to by an enclosing `let` or `rec { }`. */
export function resolveVariable(ctx: NodeCtx, node: SNode, name: string): SNode | undefined {
  if (ctx.boundNames && !ctx.boundNames.has(name)) return undefined;
  let child = node;
  let p = node.parent;
  while (p) {
    const t = p.type;
    if (t === 'let_expression' || t === 'rec_attrset_expression' || t === 'let_attrset_expression') {
      const bs = bindingSet(p);
      if (bs) {
        for (const b of bs.namedChildren) {
          if (b.type === 'binding') {
            const ap = b.childForFieldName('attrpath');
            if (ap && ap.namedChildCount === 1 && textOf(ctx, ap) === name) return b.childForFieldName('expression') ?? undefined;
          } else if (b.type === 'inherit' || b.type === 'inherit_from') {
            const attrs = b.childForFieldName('attrs');
            if (attrs && attrs.namedChildren.some((a) => textOf(ctx, a) === name)) return undefined;
          }
        }
      }
    } else if (t === 'function_expression') {
      const u = p.childForFieldName('universal');
      if (u && textOf(ctx, u) === name) return undefined;
      const formals = p.childForFieldName('formals');
      if (formals && formals.id !== child.id) {
        for (const f of formals.namedChildren) {
          if (f.type === 'formal') {
            const fname = f.childForFieldName('name');
            if (fname && textOf(ctx, fname) === name) return undefined;
          }
        }
      }
    }
    child = p;
    p = p.parent;
  }
  return undefined;
}

const MAX_DEPTH = 24;

export function unknown(ctx: NodeCtx, n: SNode): StaticValue {
  return { kind: 'unknown', span: spanOf(ctx, n), text: textOf(ctx, n) };
}

/** The static value of an expression. */
export function toStatic(ctx: NodeCtx, node: SNode, depth = 0): StaticValue {
  if (depth > MAX_DEPTH) return unknown(ctx, node);
  const n = node;
  switch (n.type) {
    case 'parenthesized_expression': {
      const e = n.childForFieldName('expression');
      return e ? toStatic(ctx, e, depth + 1) : unknown(ctx, n);
    }
    case 'string_expression':
    case 'indented_string_expression': {
      const indented = n.type === 'indented_string_expression';
      // Fast path: "plain" with a single fragment.
      if (!indented && n.namedChildCount === 1 && n.namedChildren[0]!.type === 'string_fragment') {
        return { kind: 'string', value: textOf(ctx, n.namedChildren[0]!), span: spanOf(ctx, n) };
      }
      const d = decodeString(n, ctx.text);
      if (d.hasInterpolation) return unknown(ctx, n);
      return indented ? { kind: 'string', value: d.value, span: spanOf(ctx, n), indented: true } : { kind: 'string', value: d.value, span: spanOf(ctx, n) };
    }
    case 'integer_expression': {
      const v = Number(textOf(ctx, n));
      return Number.isSafeInteger(v) ? { kind: 'int', value: v, span: spanOf(ctx, n) } : unknown(ctx, n);
    }
    case 'uri_expression':
      return { kind: 'string', value: textOf(ctx, n), span: spanOf(ctx, n) };
    case 'path_expression':
    case 'hpath_expression': {
      if (n.namedChildren.some((c) => c.type === 'interpolation')) return unknown(ctx, n);
      return { kind: 'path', value: textOf(ctx, n), span: spanOf(ctx, n) };
    }
    case 'variable_expression': {
      const name = textOf(ctx, n);
      const def = resolveVariable(ctx, n, name);
      if (def) return definitionValue(ctx, def, n, depth);
      if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true', span: spanOf(ctx, n) };
      if (name === 'null') return { kind: 'null', span: spanOf(ctx, n) };
      return unknown(ctx, n);
    }
    case 'list_expression': {
      const items: StaticValue[] = [];
      for (const c of n.namedChildren) if (c.type !== 'comment') items.push(toStatic(ctx, c, depth + 1));
      return { kind: 'list', items, span: spanOf(ctx, n) };
    }
    case 'attrset_expression':
    case 'rec_attrset_expression':
      return attrsValue(ctx, n, depth);
    case 'binary_expression': {
      const op = n.childForFieldName('operator');
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!op || !l || !r) return unknown(ctx, n);
      const opText = op.type;
      if (opText === '++' || opText === '+') {
        const lv = toStatic(ctx, l, depth + 1);
        const rv = toStatic(ctx, r, depth + 1);
        if (opText === '++' && lv.kind === 'list' && rv.kind === 'list') return { kind: 'list', items: [...lv.items, ...rv.items], span: spanOf(ctx, n) };
        if (opText === '+' && lv.kind === 'string' && rv.kind === 'string') return { kind: 'string', value: lv.value + rv.value, span: spanOf(ctx, n) };
      }
      return unknown(ctx, n);
    }
    case 'apply_expression': {
      const w = asWrapper(ctx, n);
      if (w && w.wrapper !== 'mkMerge') return toStatic(ctx, w.call.args[w.call.args.length - 1]!, depth + 1);
      return unknown(ctx, n);
    }
    case 'let_expression':
    case 'with_expression':
    case 'assert_expression': {
      const b = n.childForFieldName('body');
      return b ? toStatic(ctx, b, depth + 1) : unknown(ctx, n);
    }
    default:
      return unknown(ctx, n);
  }
}

/**
 * The value of the definition `def` that the variable `ref` resolved to. A
 * definition that refers to itself (`pkgs = { inherit pkgs; … }`, a fixpoint)
 * is unknown where it recurs: expanding it again would only copy it, and with
 * two self-references the copies double at each level.
 */
function definitionValue(ctx: NodeCtx, def: SNode, ref: SNode, depth: number): StaticValue {
  const resolving = (ctx.resolving ??= new Set());
  if (resolving.has(def.id)) return unknown(ctx, ref);
  resolving.add(def.id);
  try {
    return toStatic(ctx, def, depth + 1);
  } finally {
    resolving.delete(def.id);
  }
}

function attrsValue(ctx: NodeCtx, n: SNode, depth: number): StaticValue {
  const entries = new Map<string, StaticValue>();
  const span = spanOf(ctx, n);
  const bs = bindingSet(n);
  if (bs) {
    for (const b of bs.namedChildren) {
      if (b.type === 'binding') {
        const ap = b.childForFieldName('attrpath');
        const e = b.childForFieldName('expression');
        if (!ap || !e) continue;
        const parts = attrpathParts(ctx, ap);
        let target = entries;
        for (let i = 0; i < parts.length - 1; i++) {
          const k = parts[i]!;
          let next = target.get(k);
          if (!next || next.kind !== 'attrs') {
            next = { kind: 'attrs', entries: new Map(), span: spanOf(ctx, b) };
            target.set(k, next);
          }
          target = next.entries;
        }
        const last = parts[parts.length - 1]!;
        const v = toStatic(ctx, e, depth + 1);
        const prev = target.get(last);
        if (prev && prev.kind === 'attrs' && v.kind === 'attrs') for (const [k, x] of v.entries) prev.entries.set(k, x);
        else target.set(last, v);
      } else if (b.type === 'inherit' || b.type === 'inherit_from') {
        const attrs = b.childForFieldName('attrs');
        if (!attrs) continue;
        for (const a of attrs.namedChildren) {
          if (a.type === 'comment') continue;
          const name = textOf(ctx, a);
          let v: StaticValue = unknown(ctx, a);
          if (b.type === 'inherit') {
            const def = resolveVariable(ctx, b, name);
            if (def) v = definitionValue(ctx, def, a, depth);
          }
          entries.set(name, v);
        }
      }
    }
  }
  return { kind: 'attrs', entries, span };
}
