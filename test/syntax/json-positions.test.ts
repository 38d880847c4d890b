import { UserError } from '../../src/core/errors.js';
import { jsonEntry, jsonGet, jsonToValue, parseJsonWithPositions } from '../../src/syntax/json-positions.js';

describe('JSON with positions', () => {
  const text = '{\n  "nodes": {\n    "a": { "locked": { "rev": "abc", "lastModified": 17 }, "flake": false }\n  },\n  "version": 7\n}\n';

  it('gives the offsets of every key and value', () => {
    const doc = parseJsonWithPositions(text, 'flake.lock');
    const a = jsonGet(jsonGet(doc, 'nodes'), 'a');
    const rev = jsonEntry(jsonGet(a, 'locked'), 'rev')!;
    expect(text.slice(rev.keyStart, rev.keyEnd)).toBe('"rev"');
    expect(text.slice(rev.value.start, rev.value.end)).toBe('"abc"');
    expect(text.slice(rev.start, rev.end)).toBe('"rev": "abc"');
    expect(text.slice(a!.start, a!.end)).toBe('{ "locked": { "rev": "abc", "lastModified": 17 }, "flake": false }');
    const v = jsonGet(doc, 'version')!;
    expect(text.slice(v.start, v.end)).toBe('7');
  });

  it.each([
    ['{}'],
    ['[]'],
    ['{"a":[1,-2.5e3,true,false,null,"x\\n\\u00e9\\ud83d\\ude00\\/"],"b":{"c":{}}}'],
    [' \t\n{"dup":1,"dup":2}\n'],
    ['"just a string"'],
    ['0'],
  ])('reads %s as JSON.parse does', (src) => {
    expect(jsonToValue(parseJsonWithPositions(src, 'x.json'))).toEqual(JSON.parse(src));
  });

  it.each([
    ['{"a": 1,}', 1],
    ['{\n  "a": 1\n  "b": 2\n}', 3],
    ['{\n"a": tru\n}', 2],
    ['[1, 2', 1],
    ['{"a": "unterminated}', 1],
    ['{"a": 01}', 1],
    ['{"a": "\u0001"}', 1],
    ['', 1],
    ['{} extra', 1],
    ["{'a': 1}", 1],
  ])('rejects %j with a UserError naming the file and line %i (JSON.parse rejects it too)', (src, line) => {
    expect(() => JSON.parse(src)).toThrow();
    let err: unknown;
    try {
      parseJsonWithPositions(src, 'nix/sources.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const u = err as UserError;
    expect(u.file).toBe('nix/sources.json');
    expect(u.line).toBe(line);
    expect(u.toOneLine()).toMatch(new RegExp(`^nix/sources\\.json:${line}: malformed JSON: `));
  });
});
