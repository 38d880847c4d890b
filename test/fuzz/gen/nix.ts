/**
 * Nix programs for the fuzzing campaign: generated from Nix's grammar (parser.y and
 * lexer.l: every expression form, strings with escapes and interpolation, paths, URIs,
 * operators with and without parentheses, comments between tokens), and mutated
 * (characters deleted, tokens inserted, spans duplicated or swapped) from generated
 * programs and from the valid syntax fixtures.
 */
import fc from 'fast-check';
import { NIX_TOKENS, validNixCorpus } from '../../syntax/nix-corpus.js';

/** Variables the generated body may use: bound by the function around it, so Nix finds no undefined variable. */
const BOUND = ['a', 'b', 'c', 'x', 'y', 'lib', 'pkgs', 'config', 'self'];
const NAMES = [...BOUND, 'n', 'foo-bar', "x'", '_u', 'enable', 'or'];

const space = fc.constantFrom(' ', ' ', ' ', '\n', '\t', ' # note\n', ' /* c */ ', '\r\n', '\n\n  ');
const name = fc.constantFrom(...NAMES.filter((n) => n !== 'or'));
// Mostly names Nix takes as attribute names; now and then a keyword (a syntax error) or a dynamic one.
const attrName = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NAMES.filter((n) => n !== 'or'), 'true', 'null') },
  { weight: 2, arbitrary: fc.constant('"quoted key"') },
  { weight: 1, arbitrary: fc.constantFrom('"${x}"', 'let', 'or', 'in') },
);
const plainAttrName = fc.constantFrom(...NAMES.filter((n) => n !== 'or'));

const intLit = fc.oneof(fc.nat({ max: 1_000_000 }).map(String), fc.constantFrom('0', '007', '9223372036854775807'));
const floatLit = fc.constantFrom('1.5', '.5', '1.2e-4', '0.0', '3.', '1.E+9', '00.5');
const pathLit = fc.constantFrom('./a', './a/b.nix', '../up', '/abs/path', '~/home', '<nixpkgs>', '<nixpkgs/lib>', './a-b_c+d', './${x}/y', 'a/b', './a.b/c');
const uriLit = fc.constantFrom('https://example.org/x.tar.gz', 'http://h/p?q=1', 'git+ssh://git@h:r', 'mirror://gnu/hello', 'file:///x');
const strChar = fc.oneof(
  fc.constantFrom('a', 'b', ' ', '\\n', '\\t', '\\"', '\\\\', '\\$', '$', '$$', '\\${', 'é', '🙂', '\n', "'", '{', '}', '\\x'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 3 }).filter((s) => !/["\\$]/.test(s)),
);
const indentedChar = fc.constantFrom('a', ' ', '\n', "'''", "''$", "''\\n", '$', '$$', '"', "'", '\t', 'x y', '\n  z');

export function nixProgram(): fc.Arbitrary<string> {
  const tree = fc.letrec<{ expr: string; atom: string }>((tie) => {
    const expr = tie('expr') as fc.Arbitrary<string>;
    const atom = tie('atom') as fc.Arbitrary<string>;
    const sp = space;
    const interp = expr.map((e) => '${' + e + '}');
    const str = fc.array(fc.oneof({ weight: 4, arbitrary: strChar }, { weight: 1, arbitrary: interp }), { maxLength: 6 }).map((p) => `"${p.join('')}"`);
    const indented = fc.array(fc.oneof({ weight: 4, arbitrary: indentedChar }, { weight: 1, arbitrary: interp }), { maxLength: 6 }).map((p) => `''${p.join('')}''`);
    const attrPath = fc.array(fc.oneof({ weight: 5, arbitrary: attrName }, { weight: 1, arbitrary: interp }), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
    const binding = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(attrPath, sp, expr).map(([p, s, e]) => `${p}${s}=${s}${e};`) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...BOUND), { minLength: 1, maxLength: 3 }).map((ns) => `inherit ${ns.join(' ')};`) },
      { weight: 1, arbitrary: fc.tuple(atom, fc.uniqueArray(plainAttrName, { minLength: 1, maxLength: 2 })).map(([e, ns]) => `inherit (${e}) ${ns.join(' ')};`) },
    );
    const bindings = fc.array(fc.tuple(binding, sp), { maxLength: 4 }).map((bs) => bs.map(([b, s]) => b + s).join(''));
    const formal = fc.oneof(name, fc.tuple(name, atom).map(([n, d]) => `${n} ? ${d}`));
    const formals = fc
      .tuple(fc.uniqueArray(formal, { maxLength: 3, selector: (f) => f.split(' ')[0] }), fc.boolean(), fc.boolean())
      .map(([fs, dots, trailing]) => `{ ${[...fs, ...(dots ? ['...'] : [])].join(', ')}${trailing && fs.length + (dots ? 1 : 0) > 0 ? ',' : ''} }`);
    const op = fc.constantFrom('+', '-', '*', '/', '++', '//', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '->');
    return {
      atom: fc.oneof(
        { maxDepth: 3, depthSize: 'small' },
        { weight: 3, arbitrary: fc.constantFrom(...BOUND) },
        { weight: 2, arbitrary: intLit },
        { weight: 1, arbitrary: floatLit },
        { weight: 2, arbitrary: str },
        { weight: 1, arbitrary: indented },
        { weight: 1, arbitrary: pathLit },
        { weight: 1, arbitrary: uriLit },
        { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', 'builtins', '__curPos') },
        { weight: 2, arbitrary: fc.tuple(fc.boolean(), sp, bindings).map(([rec, s, b]) => `${rec ? 'rec ' : ''}{${s}${b}}`) },
        { weight: 2, arbitrary: fc.array(atom, { maxLength: 4 }).map((xs) => `[ ${xs.join(' ')} ]`) },
        { weight: 2, arbitrary: expr.map((e) => `(${e})`) },
        { weight: 1, arbitrary: fc.tuple(atom, attrPath, fc.option(atom, { nil: undefined })).map(([e, p, d]) => `${e}.${p}${d === undefined ? '' : ` or ${d}`}`) },
      ),
      expr: fc.oneof(
        { maxDepth: 3, depthSize: 'small' },
        { weight: 6, arbitrary: atom },
        { weight: 2, arbitrary: fc.tuple(atom, sp, op, sp, atom).map((p) => p.join('')) },
        { weight: 1, arbitrary: fc.tuple(atom, op, atom, op, atom).map(([a, o1, b, o2, c]) => `${a} ${o1} ${b} ${o2} ${c}`) },
        { weight: 2, arbitrary: fc.tuple(atom, fc.array(atom, { minLength: 1, maxLength: 3 })).map(([f, xs]) => `${f} ${xs.join(' ')}`) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('!', '-'), atom).map(([o, e]) => `${o}${e}`) },
        { weight: 1, arbitrary: fc.tuple(atom, attrPath).map(([e, p]) => `${e} ? ${p}`) },
        { weight: 2, arbitrary: fc.tuple(bindings, expr).map(([b, e]) => `let ${b} in ${e}`) },
        { weight: 1, arbitrary: fc.tuple(expr, expr, expr).map(([c, t, e]) => `if ${c} then ${t} else ${e}`) },
        { weight: 1, arbitrary: fc.tuple(atom, expr).map(([w, e]) => `with ${w}; ${e}`) },
        { weight: 1, arbitrary: fc.tuple(atom, expr).map(([w, e]) => `assert ${w}; ${e}`) },
        { weight: 1, arbitrary: fc.tuple(name, expr).map(([n, e]) => `${n}: ${e}`) },
        { weight: 1, arbitrary: fc.tuple(formals, fc.option(name, { nil: undefined }), expr).map(([f, at, e]) => `${at ? `${at} @ ` : ''}${f}: ${e}`) },
      ),
    };
  });
  return tree.expr.map((e) => `{ ${BOUND.join(', ')}, ... }:\n${e}\n`);
}

/** A mutation of `text`: deletions, token insertions, a duplicated or swapped span. */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.constantFrom(...NIX_TOKENS), fc.nat({ max: 3 }));
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
    let t = text;
    for (const [at, len, token, kind] of edits) {
      const pos = t.length === 0 ? 0 : at % (t.length + 1);
      if (kind === 0) t = t.slice(0, pos) + t.slice(pos + 1 + (len % 3));
      else if (kind === 1) t = t.slice(0, pos) + token + t.slice(pos);
      else if (kind === 2) t = t.slice(0, pos) + t.slice(pos, pos + len + 1) + t.slice(pos);
      else t = t.slice(0, pos) + t.slice(pos + 1, pos + 2) + t.slice(pos, pos + 1) + t.slice(pos + 2);
    }
    return t;
  });
}

/** Mutants of generated programs and of the valid syntax fixtures. */
export function mutatedNix(): fc.Arbitrary<string> {
  const corpus = validNixCorpus();
  return mutated(fc.oneof(nixProgram(), fc.constantFrom(...corpus)));
}
