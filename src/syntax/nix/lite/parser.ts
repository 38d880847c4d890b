/**
 * A fast Nix parser in plain JavaScript that builds a light tree with the same node
 * types and field names as tree-sitter-nix (`binding`, `attrpath`, `apply_expression`
 * with `function`/`argument`, …). Precedences follow libexpr/parser.y.
 *
 * Why: reading a tree-sitter tree from JavaScript costs a native call per node property
 * and about 10 µs per node object, several times the parse itself, so modelling 10,000
 * files from tree-sitter nodes took ~20× Nix's own parser.
 *
 * It is strict: what it accepts is valid Nix (the differential and fuzz tests check it
 * against `nix-instantiate --parse`), so for most files it is the only parser that runs.
 * What it rejects goes to tree-sitter (../tree-sitter.ts), which decides whether there is
 * a syntax error and where, and gives the model a recovered tree. Its own definite errors
 * (a path with a trailing slash, a duplicate attribute, `a == b == c`) count where
 * tree-sitter's grammar is more lenient than Nix. ../index.ts is the one front door.
 */
import { ID_CHAR, Lexer, matchAt, type Tok, type TokKind } from './lexer.js';
import { INDEXED, LiteNode, LiteParseError } from './node.js';

/** Binary operators: precedence (higher binds tighter) and associativity, from parser.y. */
const BINARY: Record<string, [number, 'left' | 'right' | 'none']> = {
  '->': [1, 'right'],
  '||': [2, 'left'],
  '&&': [3, 'left'],
  '==': [4, 'none'],
  '!=': [4, 'none'],
  '<': [5, 'none'],
  '>': [5, 'none'],
  '<=': [5, 'none'],
  '>=': [5, 'none'],
  '//': [6, 'right'],
  // 7: prefix `!`
  '+': [8, 'left'],
  '-': [8, 'left'],
  '*': [9, 'left'],
  '/': [9, 'left'],
  '++': [10, 'right'],
  '?': [11, 'none'],
};
const NOT_PREC = 7;

class Parser {
  private readonly lx: Lexer;
  private tok: Tok;
  private depth = 0;

  constructor(private readonly text: string) {
    this.lx = new Lexer(text);
    this.tok = this.lx.next();
  }

  /** Fails at the current token, in Nix's words: `syntax error, unexpected X[, expecting Y]`. */
  private fail(expecting?: string, at = this.tok.kind === 'eof' ? this.lastEnd : this.tok.start): never {
    const t = this.tok;
    const what = t.kind === 'eof' ? 'end of file' : `'${t.text || this.text[t.start]}'`;
    // A keyword lexes one way only, so a keyword where the grammar can't take it is
    // an error for Nix too (even where tree-sitter's grammar lets it pass, as with
    // `{ lib, with }:`). So is an error after a float glued to the next token, which
    // tree-sitter lexes otherwise. Elsewhere the light parser's verdict waits for tree-sitter's.
    const definite = t.kind === 'kw' || this.lx.gluedFloat;
    throw new LiteParseError(`syntax error, unexpected ${what}${expecting ? `, expecting ${expecting}` : ''}`, at, definite, t.kind === 'eof' ? at : t.end);
  }

  /** Fails on an unterminated string: Nix points just after the opening quote. */
  private unterminated(at: number): never {
    throw new LiteParseError('syntax error, unexpected end of file', at, false, at);
  }

  /** End of the last token consumed: Nix reports an unexpected end of file there. */
  private lastEnd = 0;

  private advance(): Tok {
    const t = this.tok;
    this.lastEnd = t.end;
    this.tok = this.lx.next();
    return t;
  }

  private is(text: string): boolean {
    return (this.tok.kind === 'op' || this.tok.kind === 'kw') && this.tok.text === text;
  }

  private expect(text: string): Tok {
    if (!this.is(text)) this.fail(`'${text}'`);
    return this.advance();
  }

  /** Looks at the tokens after the current one without consuming them. */
  private peek(n: number): Tok[] {
    const savePos = this.lx.pos;
    const out: Tok[] = [];
    this.lx.recording = false;
    try {
      for (let i = 0; i < n; i++) out.push(this.lx.next());
    } catch (err) {
      if (!(err instanceof LiteParseError)) throw err;
      while (out.length < n) out.push({ kind: 'eof', text: '', start: this.lx.pos, end: this.lx.pos });
    } finally {
      this.lx.pos = savePos;
      this.lx.recording = true;
    }
    return out;
  }

  private readonly boundNames = new Set<string>();

  private bind(bs: LiteNode | null): void {
    if (!bs) return;
    for (const b of bs.namedChildren) {
      if (b.type === 'binding') {
        const first = b.fields!.attrpath!.namedChildren[0]!;
        this.boundNames.add(this.text.slice(first.startIndex, first.endIndex));
      } else {
        for (const a of b.fields!.attrs!.namedChildren) this.boundNames.add(this.text.slice(a.startIndex, a.endIndex));
      }
    }
  }

  private readonly index = new Map<string, LiteNode[]>([...INDEXED].map((t) => [t, []]));

  private node(type: string, start: number, end: number): LiteNode {
    const n = new LiteNode(type, start, end);
    this.index.get(type)?.push(n);
    return n;
  }

  private leaf(type: string, t: Tok): LiteNode {
    return this.node(type, t.start, t.end);
  }

  parseFile(): LiteNode {
    const root = this.node('source_code', 0, this.text.length);
    if (this.tok.kind === 'eof') {
      // Nix has no empty file: a file of only whitespace and comments is an error,
      // reported where the last comment ends.
      const last = this.lx.comments[this.lx.comments.length - 1];
      throw new LiteParseError('syntax error, unexpected end of file', last ? last.endIndex : 0, true);
    }
    root.add(this.expr(), 'expression');
    if ((this.tok.kind as TokKind) !== 'eof') this.fail('end of file');
    root.comments = this.lx.comments;
    root.index = this.index;
    root.boundNames = this.boundNames;
    return root;
  }

  private enter(): void {
    if (++this.depth > 400) throw new LiteParseError('nested too deeply', this.tok.start, false, this.tok.start, true);
  }

  /** expr_function */
  expr(): LiteNode {
    this.enter();
    try {
      return this.exprFunction();
    } finally {
      this.depth--;
    }
  }

  private exprFunction(): LiteNode {
    const t = this.tok;
    if (t.kind === 'id' && this.mayFollow(t.end, ':@')) {
      const [n1] = this.peek(1);
      if (n1!.kind === 'op' && n1!.text === ':') {
        this.advance();
        this.advance();
        const body = this.expr();
        return this.node('function_expression', t.start, body.endIndex).add(this.leaf('identifier', t), 'universal').add(body, 'body');
      }
      if (n1!.kind === 'op' && n1!.text === '@') {
        this.advance();
        this.advance();
        const formals = this.formals();
        this.expect(':');
        const body = this.expr();
        return this.node('function_expression', t.start, body.endIndex).add(this.leaf('identifier', t), 'universal').add(formals, 'formals').add(body, 'body');
      }
    }
    if (this.is('{') && this.looksLikeFormals()) {
      const formals = this.formals();
      let universal: LiteNode | null = null;
      if (this.is('@')) {
        this.advance();
        if (this.tok.kind !== 'id') this.fail('an identifier');
        universal = this.leaf('identifier', this.advance());
      }
      this.expect(':');
      const body = this.expr();
      const fn = this.node('function_expression', t.start, body.endIndex).add(formals, 'formals');
      return fn.add(universal, 'universal').add(body, 'body');
    }
    if (this.is('assert') || this.is('with')) {
      const kw = this.advance();
      const e = this.expr();
      this.expect(';');
      const body = this.expr();
      const n = this.node(kw.text === 'assert' ? 'assert_expression' : 'with_expression', kw.start, body.endIndex);
      return n.add(e, kw.text === 'assert' ? 'condition' : 'environment').add(body, 'body');
    }
    if (this.is('let') && !this.peekIs('{')) {
      const kw = this.advance();
      const bs = this.bindings('in');
      this.bind(bs);
      this.expect('in');
      const body = this.expr();
      return this.node('let_expression', kw.start, body.endIndex).add(bs).add(body, 'body');
    }
    if (this.is('if')) {
      const kw = this.advance();
      const c = this.expr();
      this.expect('then');
      const a = this.expr();
      this.expect('else');
      const b = this.expr();
      return this.node('if_expression', kw.start, b.endIndex).add(c, 'condition').add(a, 'consequence').add(b, 'alternative');
    }
    return this.op(0);
  }

  private peekIs(text: string): boolean {
    const [n] = this.peek(1);
    return (n!.kind === 'op' || n!.kind === 'kw') && n!.text === text;
  }

  /**
   * Cheap lookahead: could the next token start with one of `chars`? False only
   * when it surely can't (a comment after `pos` means "maybe").
   */
  private mayFollow(pos: number, chars: string): boolean {
    const t = this.text;
    let i = pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else break;
    }
    const c = t[i];
    if (c === undefined) return false;
    return c === '#' || (c === '/' && t[i + 1] === '*') || chars.includes(c);
  }

  /** At `{`: formals (`{ a, b ? 1, ... }:`) rather than an attribute set? */
  private looksLikeFormals(): boolean {
    // Most `{` open attribute sets: `{ name = …` / `{ name.x = …` / `{ inherit …`.
    const t = this.text;
    let i = this.tok.end;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) i++;
      else break;
    }
    const c0 = t.charCodeAt(i);
    if ((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95) {
      let j = i + 1;
      while (ID_CHAR[t.charCodeAt(j)]) j++;
      if (t.slice(i, j) === 'inherit') return false;
      while (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9 || t.charCodeAt(j) === 10 || t.charCodeAt(j) === 13) j++;
      const d = t[j];
      if (d === '=' && t[j + 1] !== '=') return false;
      if (d === '.' && t[j + 1] !== '.') return false;
      if (d === ',' || d === '?') return true;
    } else if (c0 === 34 /* " */ || c0 === 36 /* $ */) return false;
    const [a, b, c] = this.peek(3);
    if (a!.kind === 'op' && a!.text === '}') return b!.kind === 'op' && (b!.text === ':' || b!.text === '@');
    if (a!.kind === 'op' && a!.text === '...') return true;
    if (a!.kind === 'id' || (a!.kind === 'kw' && a!.text === 'or')) {
      if (b!.kind !== 'op') return false;
      if (b!.text === ',' || b!.text === '?') return true;
      if (b!.text === '}') return c!.kind === 'op' && (c!.text === ':' || c!.text === '@');
    }
    return false;
  }

  private formals(): LiteNode {
    const open = this.expect('{');
    const fs = this.node('formals', open.start, open.end);
    const seen = new Set<string>();
    for (;;) {
      if (this.is('}')) break;
      if (this.is('...')) {
        fs.add(this.leaf('ellipses', this.advance()), 'ellipses');
        if (!this.is('}')) throw new LiteParseError(`syntax error, unexpected '${this.tok.text}', expecting '}'`, this.tok.start, true, this.tok.end);
        break;
      } else if (this.tok.kind === 'id') {
        const name = this.advance();
        if (seen.has(name.text)) throw new LiteParseError(`duplicate formal function argument '${name.text}'`, name.start, true, name.end);
        seen.add(name.text);
        const f = this.node('formal', name.start, name.end).add(this.leaf('identifier', name), 'name');
        if (this.is('?')) {
          this.advance();
          const d = this.expr();
          f.add(d, 'default');
          f.endIndex = d.endIndex;
        }
        fs.add(f);
      } else this.fail("an identifier or '...'");
      if (this.is(',')) {
        this.advance();
        continue;
      }
      break;
    }
    fs.endIndex = this.expect('}').end;
    return fs;
  }

  /** Bindings up to `close` (not consumed). */
  private bindings(close: string): LiteNode | null {
    let bs: LiteNode | null = null;
    const defs: AttrDefs = new Map();
    while (!this.is(close)) {
      if (this.tok.kind === 'eof') this.fail(`'${close}'`);
      const b = this.binding();
      this.addAttr(defs, b);
      if (!bs) bs = this.node('binding_set', b.startIndex, b.endIndex);
      bs.add(b);
      bs.endIndex = b.endIndex;
    }
    this.lastDefs = defs;
    return bs;
  }

  /** The attributes of the binding set parsed last (taken by the attrset literal that holds it). */
  private lastDefs: AttrDefs = new Map();
  /** The static attributes of each attrset literal, for Nix's merge of `a = { … }; a = { … };`. */
  private readonly literalDefs = new WeakMap<LiteNode, AttrDefs>();

  /**
   * Nix's `addAttr` (libexpr/parser.y), which rejects duplicates at parse time:
   * `a = 1; a = 2;`, `inherit a; a = 1;`, `a = 1; a.b = 2;` are errors, but two
   * attrset literals bound to one name merge (`a = { x = 1; }; a = { y = 2; };`,
   * `a = { x = 1; }; a.y = 2;`, `a.y = 2; a = { x = 1; };`, `rec` ones too);
   * only a key present in both literals is then an error. Dynamic names are
   * not tracked: what the parser can't name, it never reports.
   */
  private addAttr(defs: AttrDefs, b: LiteNode): void {
    if (b.type !== 'binding') {
      // Nix's position for inherited names: the end of the token before them (`inherit` or `)`).
      const at = this.inheritPos.get(b) ?? b.startIndex;
      for (const a of b.fields!.attrs!.namedChildren) {
        const name = this.staticName(a);
        if (name === null) continue;
        if (defs.has(name)) throw dupAttr(name, at, at);
        defs.set(name, { attrs: null, start: at, end: at });
      }
      return;
    }
    const ap = b.fields!.attrpath!;
    const parts = ap.namedChildren;
    let cur = defs;
    for (let i = 0; i < parts.length; i++) {
      const name = this.staticName(parts[i]!);
      if (name === null) return; // a dynamic name: Nix checks nothing below it at parse time
      const j = cur.get(name);
      const last = i === parts.length - 1;
      if (!last) {
        if (j) {
          if (!j.attrs) throw dupAttr(this.pathText(parts), ap.startIndex, ap.endIndex);
          cur = j.attrs;
        } else {
          const nested: AttrDefs = new Map();
          cur.set(name, { attrs: nested, start: ap.startIndex, end: ap.endIndex });
          cur = nested;
        }
        continue;
      }
      const value = this.literalDefs.get(unparenLite(b.fields!.expression!));
      if (!j) {
        cur.set(name, { attrs: value ?? null, start: ap.startIndex, end: ap.endIndex });
        return;
      }
      if (!j.attrs || !value) throw dupAttr(this.pathText(parts), ap.startIndex, ap.endIndex);
      // Both are attrset literals: merge one level (a key in both is an error, as in Nix).
      for (const [k, d] of value) {
        // Nix 2.8 points at the first literal's binding here (and says the second is "already defined").
        const prev = j.attrs.get(k);
        if (prev) throw dupAttr(k, prev.start, prev.end);
        j.attrs.set(k, d);
      }
    }
  }

  /** An attribute name known at parse time: an identifier, `"str"` or `${"str"}` without escapes or interpolation. */
  private staticName(a: LiteNode): string | null {
    if (a.type === 'identifier') return this.text.slice(a.startIndex, a.endIndex);
    let s = a;
    if (s.type === 'interpolation') s = unparenLite(s.fields!.expression!);
    if (s.type !== 'string_expression' || !s.namedChildren.every((c) => c.type === 'string_fragment')) return null;
    return s.namedChildren.map((c) => this.text.slice(c.startIndex, c.endIndex)).join('');
  }

  private pathText(parts: LiteNode[]): string {
    return parts.map((p) => this.staticName(p) ?? '"${..}"').join('.');
  }

  private readonly inheritPos = new WeakMap<LiteNode, number>();

  private binding(): LiteNode {
    if (this.is('inherit')) {
      const kw = this.advance();
      let from: LiteNode | null = null;
      if (this.is('(')) {
        this.advance();
        from = this.expr();
        this.expect(')');
      }
      const namesAt = this.lastEnd;
      const attrs = this.node('inherited_attrs', this.tok.start, this.tok.start);
      while (!this.is(';')) {
        const a = this.attr();
        attrs.add(a, 'attr');
        attrs.endIndex = a.endIndex;
      }
      const semi = this.expect(';');
      const n = this.node(from ? 'inherit_from' : 'inherit', kw.start, semi.end);
      this.inheritPos.set(n, namesAt);
      if (from) n.add(from, 'expression');
      return n.add(attrs, 'attrs');
    }
    const ap = this.attrpath();
    this.expect('=');
    const e = this.expr();
    const semi = this.expect(';');
    return this.node('binding', ap.startIndex, semi.end).add(ap, 'attrpath').add(e, 'expression');
  }

  private attrpath(): LiteNode {
    const first = this.attr();
    const ap = this.node('attrpath', first.startIndex, first.endIndex).add(first, 'attr');
    while (this.is('.')) {
      this.advance();
      const a = this.attr();
      ap.add(a, 'attr');
      ap.endIndex = a.endIndex;
    }
    return ap;
  }

  private attr(): LiteNode {
    const t = this.tok;
    if (t.kind === 'id' || (t.kind === 'kw' && t.text === 'or')) return this.leaf('identifier', this.advance());
    if (t.kind === 'str') return this.stringExpr();
    if (t.kind === 'dollar') {
      const n = this.interpolationFrom(t.start);
      this.resync();
      return n;
    }
    return this.fail('an attribute name');
  }

  /** Resumes normal lexing at the lexer's position (after a string, path or interpolation). */
  private resync(): void {
    this.lastEnd = this.lx.pos;
    this.tok = this.lx.next();
  }

  private op(minPrec: number): LiteNode {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op') break;
      const info = BINARY[t.text];
      if (!info || info[0] < minPrec) break;
      const [prec, assoc] = info;
      const opTok = this.advance();
      if (opTok.text === '?') {
        const ap = this.attrpath();
        left = this.node('has_attr_expression', left.startIndex, ap.endIndex).add(left, 'expression').add(this.leaf('?', opTok), 'operator').add(ap, 'attrpath');
        continue;
      }
      const right = this.op(assoc === 'right' ? prec : prec + 1);
      left = this.node('binary_expression', left.startIndex, right.endIndex).add(left, 'left').add(this.leaf(opTok.text, opTok), 'operator').add(right, 'right');
      if (assoc === 'none' && this.tok.kind === 'op' && BINARY[this.tok.text]?.[0] === prec && this.tok.text !== '?') {
        throw new LiteParseError(`syntax error, unexpected '${this.tok.text}'`, this.tok.start, true, this.tok.end);
      }
    }
    return left;
  }

  private unary(): LiteNode {
    if (this.is('!') || this.is('-')) {
      const opTok = this.advance();
      this.enter();
      try {
        const arg = opTok.text === '!' ? this.op(NOT_PREC + 1) : this.op(12);
        return this.node('unary_expression', opTok.start, arg.endIndex).add(this.leaf(opTok.text, opTok), 'operator').add(arg, 'argument');
      } finally {
        this.depth--;
      }
    }
    return this.app();
  }

  private startsSimple(): boolean {
    const t = this.tok;
    switch (t.kind) {
      case 'id':
      case 'int':
      case 'float':
      case 'path':
      case 'hpath':
      case 'spath':
      case 'uri':
      case 'str':
      case 'istr':
        return true;
      case 'op':
        return t.text === '(' || t.text === '{' || t.text === '[';
      case 'kw':
        return t.text === 'rec' || (t.text === 'let' && this.peekIs('{'));
      default:
        return false;
    }
  }

  private app(): LiteNode {
    let f = this.select();
    while (this.startsSimple()) {
      const a = this.select();
      f = this.node('apply_expression', f.startIndex, a.endIndex).add(f, 'function').add(a, 'argument');
    }
    return f;
  }

  private select(): LiteNode {
    const e = this.simple();
    if (this.is('or')) {
      // Nix's `expr_simple OR_KW`: for an old nixpkgs function named `or`, `f or` applies f to it.
      const t = this.advance();
      const v = this.node('variable_expression', t.start, t.end).add(this.leaf('identifier', t), 'name');
      return this.node('apply_expression', e.startIndex, t.end).add(e, 'function').add(v, 'argument');
    }
    if (!this.is('.')) return e;
    this.advance();
    const ap = this.attrpath();
    const n = this.node('select_expression', e.startIndex, ap.endIndex).add(e, 'expression').add(ap, 'attrpath');
    if (this.is('or')) {
      this.advance();
      const d = this.select();
      n.add(d, 'default');
      n.endIndex = d.endIndex;
    }
    return n;
  }

  private simple(): LiteNode {
    const t = this.tok;
    switch (t.kind) {
      case 'id':
        this.advance();
        return this.node('variable_expression', t.start, t.end).add(this.leaf('identifier', t), 'name');
      case 'int':
        this.advance();
        return this.leaf('integer_expression', t);
      case 'float':
        this.advance();
        return this.leaf('float_expression', t);
      case 'spath':
        this.advance();
        return this.leaf('spath_expression', t);
      case 'uri':
        this.advance();
        return this.leaf('uri_expression', t);
      case 'path':
      case 'hpath':
        return this.pathExpr();
      case 'str':
        return this.stringExpr();
      case 'istr':
        return this.indentedStringExpr();
      case 'kw':
        // `or` is a keyword except as an attribute name and after a simple expression (handled there).
        if (t.text === 'or') throw new LiteParseError("syntax error, unexpected 'or'", t.start, true, t.end);
        if (t.text === 'rec' || t.text === 'let') {
          const kw = this.advance();
          this.expect('{');
          const bs = this.bindings('}');
          this.bind(bs);
          const defs = this.lastDefs;
          const close = this.expect('}');
          const n = this.node(t.text === 'rec' ? 'rec_attrset_expression' : 'let_attrset_expression', kw.start, close.end).add(bs);
          if (t.text === 'rec') this.literalDefs.set(n, defs); // `let { }` is not an attrset value
          return n;
        }
        break;
      case 'op':
        if (t.text === '(') {
          this.advance();
          const e = this.expr();
          const close = this.expect(')');
          return this.node('parenthesized_expression', t.start, close.end).add(e, 'expression');
        }
        if (t.text === '{') {
          this.advance();
          const bs = this.bindings('}');
          const defs = this.lastDefs;
          const close = this.expect('}');
          const n = this.node('attrset_expression', t.start, close.end).add(bs);
          this.literalDefs.set(n, defs);
          return n;
        }
        if (t.text === '[') {
          this.advance();
          const list = this.node('list_expression', t.start, t.end);
          while (!this.is(']')) {
            if (this.tok.kind === 'eof') this.fail("']'");
            list.add(this.select(), 'element');
          }
          list.endIndex = this.advance().end;
          return list;
        }
        break;
    }
    return this.fail();
  }

  private pathExpr(): LiteNode {
    const t = this.tok;
    if (t.text.endsWith('/') && !this.text.startsWith('${', t.end)) throw new LiteParseError('path has a trailing slash', t.start, true, t.end);
    const n = this.node(t.kind === 'hpath' ? 'hpath_expression' : 'path_expression', t.start, t.end);
    n.add(this.leaf('path_fragment', t));
    const text = this.text;
    // The lexer stopped before `${` if the path goes on with an interpolation.
    let pos = t.end;
    while (text.startsWith('${', pos)) {
      const interp = this.interpolationFrom(pos);
      n.add(interp);
      pos = interp.endIndex;
      const m = matchAt(/[a-zA-Z0-9._\-+/]+/y, text, pos);
      if (m > 0) {
        n.add(new LiteNode('path_fragment', pos, pos + m));
        pos += m;
      }
    }
    n.endIndex = pos;
    this.lx.pos = pos;
    this.resync();
    return n;
  }

  /** `${ expr }` starting at `pos` (the `$`), leaving the lexer just past `}`. */
  private interpolationFrom(pos: number): LiteNode {
    this.lx.pos = pos + 2;
    this.tok = this.lx.next();
    const e = this.expr();
    if (!this.is('}')) this.fail("'}'");
    const end = this.tok.end;
    this.lx.pos = end;
    return this.node('interpolation', pos, end).add(e, 'expression');
  }

  private stringExpr(): LiteNode {
    const open = this.tok;
    const text = this.text;
    const n = this.node('string_expression', open.start, open.end);
    let pos = open.end;
    let frag = pos;
    const flush = (end: number): void => {
      if (end > frag) n.add(new LiteNode('string_fragment', frag, end));
    };
    for (;;) {
      if (pos >= text.length) this.unterminated(open.end);
      const c = text.charCodeAt(pos);
      if (c === 34 /* " */) {
        flush(pos);
        pos++;
        break;
      }
      if (c === 92 /* \ */) {
        flush(pos);
        if (pos + 1 >= text.length) this.unterminated(open.end);
        n.add(new LiteNode('escape_sequence', pos, pos + 2));
        pos += 2;
        frag = pos;
        continue;
      }
      if (c === 36 /* $ */) {
        const d = text.charCodeAt(pos + 1);
        if (d === 123 /* { */) {
          flush(pos);
          const interp = this.interpolationFrom(pos);
          n.add(interp);
          pos = interp.endIndex;
          frag = pos;
          continue;
        }
        if (d === 36) {
          pos += 2; // `$$` is literal, and so is a `{` after it
          continue;
        }
      }
      pos++;
    }
    n.endIndex = pos;
    this.lx.pos = pos;
    this.resync();
    return n;
  }

  private indentedStringExpr(): LiteNode {
    const open = this.tok;
    const text = this.text;
    const n = this.node('indented_string_expression', open.start, open.end);
    let pos = open.end;
    const firstLine = /^ *\n/.exec(text.slice(pos, pos + 256));
    const contentStart = firstLine ? pos + firstLine[0].length : pos;
    let frag = pos;
    const flush = (end: number): void => {
      if (end > frag) n.add(new LiteNode('string_fragment', frag, end));
    };
    for (;;) {
      if (pos >= text.length) this.unterminated(contentStart);
      const c = text.charCodeAt(pos);
      if (c === 39 /* ' */ && text.charCodeAt(pos + 1) === 39) {
        const e = text[pos + 2];
        if (e === '$') {
          flush(pos);
          n.add(new LiteNode('dollar_escape', pos, pos + 3));
          pos += 3;
          frag = pos;
          continue;
        }
        if (e === "'") {
          flush(pos);
          n.add(new LiteNode('escape_sequence', pos, pos + 3));
          pos += 3;
          frag = pos;
          continue;
        }
        if (e === '\\') {
          flush(pos);
          if (pos + 3 >= text.length) this.unterminated(contentStart);
          n.add(new LiteNode('escape_sequence', pos, pos + 4));
          pos += 4;
          frag = pos;
          continue;
        }
        flush(pos);
        pos += 2;
        break;
      }
      if (c === 36 /* $ */) {
        const d = text.charCodeAt(pos + 1);
        if (d === 123) {
          flush(pos);
          const interp = this.interpolationFrom(pos);
          n.add(interp);
          pos = interp.endIndex;
          frag = pos;
          continue;
        }
        if (d === 36) {
          pos += 2;
          continue;
        }
      }
      pos++;
    }
    n.endIndex = pos;
    this.lx.pos = pos;
    this.resync();
    return n;
  }
}

/** One static attribute of a binding set, as Nix's parser tracks it. */
interface AttrDef {
  /** The attributes when the value is an attrset literal (which later bindings may extend), else null. */
  attrs: AttrDefs | null;
  /** Where Nix places it (for the error of a later clash inside a merge). */
  start: number;
  end: number;
}
type AttrDefs = Map<string, AttrDef>;

function dupAttr(name: string, start: number, end: number): LiteParseError {
  return new LiteParseError(`attribute '${name}' already defined`, start, true, end);
}

/** Parentheses make no node in Nix's AST: `a = ({ … });` is an attrset literal too. */
function unparenLite(n: LiteNode): LiteNode {
  while (n.type === 'parenthesized_expression') n = n.fields!.expression!;
  return n;
}

/** Parses Nix into a light tree (tree-sitter-nix node types). Throws LiteParseError on input it can't parse. */
export function parseNixLite(text: string): LiteNode {
  try {
    return new Parser(text).parseFile();
  } catch (err) {
    // Out of stack on a pathological nesting: leave the file to tree-sitter.
    if (err instanceof RangeError) throw new LiteParseError('nested too deeply', 0, false, 0, true);
    throw err;
  }
}
