/**
 * Packages a configuration installs, read statically from
 * `environment.systemPackages`, `users.users.<n>.packages` and `home.packages`
 * (also under `home-manager.users.<n>`), in the forms configurations use:
 * `with pkgs; [ … ]`, `pkgs.x`, `lib.optional(s) c …`, `mkIf`, `++`, let
 * constants, `builtins.attrValues { inherit (pkgs) … }` and
 * `python3.withPackages (ps: [ … ])`. An element that cannot be read as a
 * nixpkgs attribute (a local derivation, a flake input's package) is returned
 * in `unread` with the reason, never dropped.
 */
import type { Span } from '../core/span.js';
import type { SNode } from '../syntax/nix/index.js';
import { asWrapper, attrpathParts, bindingSet, flattenApply, nameParts, resolveVariable, spanOf, textOf, unparen, type NodeCtx } from './nix-values.js';
import { stripUserPrefix } from './settings.js';
import { bindingExpression, syntaxOf } from './syntax-at.js';
import type { FileModel } from './types.js';

export interface PackageUse {
  /** nixpkgs attribute path: `git`, `python3Packages.requests`, `xfce.thunar`. */
  attr: string;
  /** The option as written: `environment.systemPackages`, `users.users.alice.packages`, `home-manager.users.bob.home.packages`. */
  option: string;
  /** Installed only when a condition holds (`lib.optionals`, `lib.optional`, `mkIf`). */
  conditional: boolean;
  /** `.override`/`.overrideAttrs`/`.overrideAttrs` or a channel other than pkgs: the build differs from the plain attribute. */
  note?: string;
  span: Span;
}

export interface UnreadPackage {
  /** The expression as written. */
  text: string;
  option: string;
  /** Why it is not a nixpkgs attribute: `local derivation`, `flake input`, `not static`. */
  why: string;
  span: Span;
}

export interface PackagesResult {
  packages: PackageUse[];
  unread: UnreadPackage[];
}

/** Is this option path (already without `home-manager.users.<n>.`) a package list? */
function isPackageOption(path: string[]): boolean {
  const p = stripUserPrefix(path);
  if (p.length === 2 && p[0] === 'environment' && p[1] === 'systemPackages') return true;
  if (p.length === 2 && p[0] === 'home' && p[1] === 'packages') return true;
  return p.length === 4 && p[0] === 'users' && (p[1] === 'users' || p[1] === 'extraUsers') && p[3] === 'packages';
}

/** Names under which nixpkgs is commonly in scope: `pkgs`, `unstable`, `pkgs-unstable`, `nixpkgs-stable`, `final`, `prev`. */
const PKGS_NAME = /^(pkgs|nixpkgs|final|prev|self|super)$|^(pkgs|nixpkgs)[-_]?\w+$|^\w*[Uu]nstable\w*$|^\w*[Ss]table\w*$/;

/** Functions that make a derivation in the configuration itself. */
const LOCAL_BUILDERS = /^(callPackage|writeShellScriptBin|writeShellScript|writeScriptBin|writeScript|writeShellApplication|writeTextFile|writeText|writeTextDir|writers\.\w+|mkDerivation|buildEnv|symlinkJoin|runCommand\w*|buildGoModule|buildRustPackage|buildPythonApplication|buildNpmPackage|makeDesktopItem|appimageTools\.\w+|wrapFirefox|wrapNeovim)$/;

/** Calls whose result is their last argument's package(s): priorities and the like. */
const TRANSPARENT_CALLS = new Set(['hiPrio', 'lowPrio', 'setPrio', 'getBin', 'getLib', 'getDev', 'getOutput']);

interface Scope {
  /** `with X;` scopes in force: the attribute prefix each gives (`''` for pkgs itself, `python3Packages` for `with ps;` in withPackages). */
  withPrefixes: string[];
  /** Lambda parameters bound to a package set: `ps` → `python3Packages`. */
  params: Map<string, string>;
  conditional: boolean;
}

class Reader {
  readonly packages: PackageUse[] = [];
  readonly unread: UnreadPackage[] = [];
  private depth = 0;

  constructor(
    private readonly ctx: NodeCtx,
    private readonly option: string,
  ) {}

  list(node: SNode, scope: Scope): void {
    if (++this.depth > 64) return this.skip(node, 'not static');
    try {
      this.listInner(unparen(node), scope);
    } finally {
      this.depth--;
    }
  }

  private listInner(n: SNode, scope: Scope): void {
    const ctx = this.ctx;
    switch (n.type) {
      case 'list_expression':
        for (const el of n.namedChildren) if (el.type !== 'comment') this.item(el, scope);
        return;
      case 'with_expression': {
        const body = n.childForFieldName('body');
        if (body) this.list(body, this.withScope(n, scope));
        return;
      }
      case 'let_expression':
      case 'assert_expression': {
        const body = n.childForFieldName('body');
        if (body) this.list(body, scope);
        return;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.type;
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        if (op === '++' && l && r) {
          this.list(l, scope);
          this.list(r, scope);
          return;
        }
        return this.skip(n, 'not static');
      }
      case 'if_expression': {
        for (const f of ['consequence', 'alternative']) {
          const b = n.childForFieldName(f);
          if (b) this.list(b, { ...scope, conditional: true });
        }
        return;
      }
      case 'variable_expression': {
        const def = resolveVariable(ctx, n, textOf(ctx, n));
        if (def) return this.list(def, scope);
        return this.skip(n, 'not static');
      }
      case 'apply_expression':
        return this.listCall(n, scope);
      default:
        return this.skip(n, 'not static');
    }
  }

  private listCall(n: SNode, scope: Scope): void {
    const ctx = this.ctx;
    const w = asWrapper(ctx, n);
    if (w) {
      const last = w.call.args[w.call.args.length - 1]!;
      if (w.wrapper === 'mkMerge') {
        const l = unparen(last);
        if (l.type === 'list_expression') for (const el of l.namedChildren) if (el.type !== 'comment') this.list(el, scope);
        return;
      }
      return this.list(last, w.wrapper === 'mkIf' ? { ...scope, conditional: true } : scope);
    }
    const call = flattenApply(n);
    const name = calleeName(ctx, call.fn);
    if (name === 'optionals' && call.args.length === 2) return this.list(call.args[1]!, { ...scope, conditional: true });
    if (name === 'optional' && call.args.length === 2) return this.item(call.args[1]!, { ...scope, conditional: true });
    if (name === 'attrValues' && call.args.length === 1) return this.attrValues(call.args[0]!, scope);
    if ((name === 'flatten' || name === 'concatLists') && call.args.length === 1) {
      const l = unparen(call.args[0]!);
      if (l.type === 'list_expression') for (const el of l.namedChildren) if (el.type !== 'comment') this.list(el, scope);
      else this.skip(n, 'not static');
      return;
    }
    this.skip(n, 'not static');
  }

  /** `builtins.attrValues { inherit (pkgs) git vim; jq = pkgs.jq; }` */
  private attrValues(arg: SNode, scope: Scope): void {
    const a = unparen(arg);
    if (a.type !== 'attrset_expression') return this.skip(a, 'not static');
    const bs = bindingSet(a);
    for (const b of bs?.namedChildren ?? []) {
      if (b.type === 'inherit_from') {
        const from = b.namedChildren.find((c) => c.type !== 'inherited_attrs' && c.type !== 'comment');
        const prefix = from ? this.setPrefix(from, scope) : undefined;
        for (const attr of b.childForFieldName('attrs')?.namedChildren ?? []) {
          if (attr.type === 'comment') continue;
          if (prefix === undefined) this.skip(attr, 'not static');
          else this.add(join(prefix, textOf(this.ctx, attr)), attr, scope);
        }
      } else if (b.type === 'binding') {
        const e = b.childForFieldName('expression');
        if (e) this.item(e, scope);
      } else if (b.type === 'inherit') {
        for (const attr of b.childForFieldName('attrs')?.namedChildren ?? []) if (attr.type !== 'comment') this.item(attr, scope);
      }
    }
  }

  /** One element of a package list. */
  item(node: SNode, scope: Scope, note?: string): void {
    const ctx = this.ctx;
    const n = unparen(node);
    if (n.type === 'variable_expression') {
      const name = textOf(ctx, n);
      const def = resolveVariable(ctx, n, name);
      if (def) {
        // A let constant may hold one package or a list of them.
        const d = unparen(def);
        return d.type === 'list_expression' || isListCall(ctx, d) ? this.list(d, scope) : this.item(d, scope, note);
      }
      if (scope.withPrefixes.length > 0) return this.add(join(scope.withPrefixes[scope.withPrefixes.length - 1]!, name), n, scope, note);
      return this.skip(n, 'not static');
    }
    if (n.type === 'select_expression') {
      const attr = this.selectAttr(n, scope);
      if (attr) return this.add(attr.attr, n, scope, note ?? attr.note);
      return this.skip(n, selectWhy(ctx, n));
    }
    if (n.type === 'apply_expression') return this.itemCall(n, scope, note);
    if (n.type === 'list_expression' || n.type === 'if_expression') return this.list(n, scope);
    if (n.type === 'with_expression') {
      const body = n.childForFieldName('body');
      return body ? this.item(body, this.withScope(n, scope), note) : this.skip(n, 'not static');
    }
    if (n.type === 'let_expression' || n.type === 'assert_expression') {
      const body = n.childForFieldName('body');
      return body ? this.item(body, scope, note) : this.skip(n, 'not static');
    }
    this.skip(n, 'not static');
  }

  private itemCall(n: SNode, scope: Scope, note?: string): void {
    const ctx = this.ctx;
    if (asWrapper(ctx, n) || isListCall(ctx, n)) return this.list(n, scope);
    const call = flattenApply(n);
    const fn = unparen(call.fn);
    const name = calleeName(ctx, fn);
    if (name && TRANSPARENT_CALLS.has(name) && call.args.length >= 1) return this.item(call.args[call.args.length - 1]!, scope, note);
    if (name && /^(\w+\.)?(withPackages|ghcWithPackages|withPlugins)$/.test(name)) return this.withPackages(fn, call.args, scope);
    if (name && /^(override|overrideAttrs|overrideDerivation|overridePythonAttrs)$/.test(name)) {
      // `pkgs.foo.override { … }`: still foo, built differently.
      const attr = fn.type === 'select_expression' ? this.selectAttr(fn, scope, 1) : undefined;
      if (attr) return this.add(attr.attr, fn, scope, `${name} in the configuration`);
    }
    if (name && LOCAL_BUILDERS.test(name)) return this.skip(n, 'local derivation');
    this.skip(n, 'not static');
  }

  /** `python3.withPackages (ps: [ ps.requests ])`: the interpreter plus `python3Packages.requests`. */
  private withPackages(fn: SNode, args: SNode[], scope: Scope): void {
    const interp = this.interpreterAttr(fn, scope);
    if (!interp) return this.skip(fn.parent ?? fn, 'not static');
    const ghc = /ghcWithPackages$/.test(textOf(this.ctx, fn));
    // `haskellPackages.ghcWithPackages` installs ghc; `python3.withPackages` installs python3.
    this.add(ghc ? 'ghc' : interp, fn, scope);
    const set = ghc ? interp : `${interp.split('.').pop()!}Packages`;
    const lambda = args[args.length - 1] ? unparen(args[args.length - 1]!) : undefined;
    if (!lambda || lambda.type !== 'function_expression') return;
    const param = lambda.childForFieldName('universal');
    const body = lambda.childForFieldName('body');
    if (!body) return;
    const params = new Map(scope.params);
    if (param) params.set(textOf(this.ctx, param), set);
    this.list(body, { ...scope, params });
  }

  /** `python3.withPackages` / `pkgs.python3.withPackages` (under `with pkgs;` or not) → `python3`. */
  private interpreterAttr(fn: SNode, scope: Scope): string | undefined {
    if (fn.type !== 'select_expression') return undefined;
    const base = unparen(fn.childForFieldName('expression')!);
    const ap = fn.childForFieldName('attrpath');
    if (ap && ap.namedChildCount === 1 && base.type === 'variable_expression') {
      // `python3.withPackages` under `with pkgs;`, or a bare `python3` from the module arguments.
      const name = textOf(this.ctx, base);
      if (resolveVariable(this.ctx, base, name)) return undefined;
      return join(scope.withPrefixes[scope.withPrefixes.length - 1] ?? '', name);
    }
    return this.selectAttr(fn, scope, 1)?.attr;
  }

  /**
   * `pkgs.a.b`, `ps.requests`, `(import <nixpkgs> { }).htop`, `python3Packages.x` under `with pkgs;`;
   * `drop` leaves out that many trailing attributes (`pkgs.foo.override` → `foo`).
   */
  private selectAttr(n: SNode, scope: Scope, drop = 0): { attr: string; note?: string } | undefined {
    const ctx = this.ctx;
    if (n.childForFieldName('default')) return undefined;
    const base = n.childForFieldName('expression');
    const ap = n.childForFieldName('attrpath');
    if (!base || !ap) return undefined;
    const rest = attrpathParts(ctx, ap).slice(0, attrpathParts(ctx, ap).length - drop);
    if (rest.some((p) => p.includes('${'))) return undefined;
    const b = unparen(base);
    if (b.type === 'variable_expression') {
      const name = textOf(ctx, b);
      const param = scope.params.get(name);
      if (param !== undefined) return { attr: join(param, rest.join('.')) };
      if (resolveVariable(ctx, b, name)) return undefined;
      if (name === 'pkgs') return rest.length ? { attr: stripChannel(rest) } : undefined;
      if (PKGS_NAME.test(name) && name !== 'self') return rest.length ? { attr: stripChannel(rest), note: `from ${name}` } : undefined;
      // Under `with pkgs;`, `python3Packages.x` / `xfce.thunar` are attributes of pkgs.
      if (scope.withPrefixes.length > 0 && !['config', 'inputs', 'self', 'lib', 'builtins'].includes(name)) {
        return { attr: join(scope.withPrefixes[scope.withPrefixes.length - 1]!, [name, ...rest].join('.')) };
      }
      return undefined;
    }
    if (b.type === 'apply_expression') {
      // `(import <nixpkgs-unstable> { }).htop`
      const call = flattenApply(b);
      if (calleeName(ctx, call.fn) === 'import' && rest.length) return { attr: rest.join('.'), note: `from ${textOf(ctx, call.args[0] ?? b)}` };
    }
    return undefined;
  }

  /** The attribute prefix a `with` expression or `inherit (X)` gives, or undefined when X is not a package set. */
  private setPrefix(env: SNode, scope: Scope): string | undefined {
    const e = unparen(env);
    const parts = nameParts(this.ctx, e);
    if (!parts) return undefined;
    const head = parts[0]!;
    const param = scope.params.get(head);
    if (param !== undefined) return join(param, parts.slice(1).join('.'));
    if (resolveVariable(this.ctx, e, head)) return undefined;
    if (PKGS_NAME.test(head) && head !== 'self') return stripChannel(parts.slice(1));
    if (scope.withPrefixes.length > 0 && /Packages$|^xfce$|^gnome\w*$|^kdePackages$|^nodePackages/.test(head)) return parts.join('.');
    return undefined;
  }

  private withScope(n: SNode, scope: Scope): Scope {
    const env = n.childForFieldName('environment');
    const prefix = env ? this.setPrefix(env, scope) : undefined;
    return prefix === undefined ? scope : { ...scope, withPrefixes: [...scope.withPrefixes, prefix] };
  }

  private add(attr: string, n: SNode, scope: Scope, note?: string): void {
    if (!attr) return this.skip(n, 'not static');
    this.packages.push({ attr, option: this.option, conditional: scope.conditional, ...(note ? { note } : {}), span: spanOf(this.ctx, n) });
  }

  private skip(n: SNode, why: string): void {
    this.unread.push({ text: textOf(this.ctx, n).replace(/\s+/g, ' ').slice(0, 200), option: this.option, why, span: spanOf(this.ctx, n) });
  }
}

function join(prefix: string, rest: string): string {
  return prefix && rest ? `${prefix}.${rest}` : prefix || rest;
}

/** `unstable.htop` / `stable.htop` inside pkgs (an overlay exposing another channel) → `htop`. */
function stripChannel(parts: string[]): string {
  if (parts.length > 1 && /^(unstable|stable|master|pkgs\w*|nixpkgs\w*)$/i.test(parts[0]!)) return parts.slice(1).join('.');
  return parts.join('.');
}

function calleeName(ctx: NodeCtx, fn: SNode): string | undefined {
  const f = unparen(fn);
  if (f.type === 'variable_expression') return textOf(ctx, f);
  if (f.type !== 'select_expression') return undefined;
  const ap = f.childForFieldName('attrpath');
  if (!ap) return undefined;
  const parts = attrpathParts(ctx, ap);
  const last = parts[parts.length - 1];
  // `writers.writeBashBin` and `appimageTools.wrapType2` keep their namespace; the rest is the last name.
  if (parts.length >= 2 && /^(writers|appimageTools)$/.test(parts[parts.length - 2]!)) return `${parts[parts.length - 2]}.${last}`;
  const base = unparen(f.childForFieldName('expression')!);
  if (/^(withPackages|ghcWithPackages|withPlugins)$/.test(last ?? '') && base.type === 'variable_expression' && parts.length === 1) return `${textOf(ctx, base)}.${last}`;
  return last;
}

function isListCall(ctx: NodeCtx, n: SNode): boolean {
  if (n.type !== 'apply_expression') return false;
  if (asWrapper(ctx, n)) return true;
  const name = calleeName(ctx, flattenApply(n).fn);
  return name === 'optionals' || name === 'attrValues' || name === 'flatten' || name === 'concatLists';
}

function selectWhy(ctx: NodeCtx, n: SNode): string {
  const base = unparen(n.childForFieldName('expression') ?? n);
  const head = base.type === 'variable_expression' ? textOf(ctx, base) : base.type === 'select_expression' ? (nameParts(ctx, base)?.[0] ?? '') : '';
  if (head === 'inputs' || head === 'self') return 'flake input';
  if (head === 'config') return 'from another option';
  return 'not static';
}

/** Every package the files install, in file order. */
export function packagesOf(files: readonly FileModel[]): PackagesResult {
  const out: PackagesResult = { packages: [], unread: [] };
  for (const file of files) {
    if (file.kind !== 'nix') continue;
    const seen = new Set<number>();
    for (const a of file.assignments) {
      if (!isPackageOption(a.path) || seen.has(a.span.startOffset)) continue;
      seen.add(a.span.startOffset);
      const expr = bindingExpression(file, a.span);
      if (!expr) continue;
      const reader = new Reader(syntaxOf(file).ctx, a.path.join('.'));
      reader.list(expr, { withPrefixes: [], params: new Map(), conditional: a.wrappers.includes('mkIf') });
      out.packages.push(...reader.packages);
      out.unread.push(...reader.unread);
    }
  }
  return out;
}
