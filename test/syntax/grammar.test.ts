import { nixParser } from '../../src/syntax/nix/grammar.js';

describe('tree-sitter-nix binding', () => {
  it('parses Nix into a tree with exact positions', () => {
    const tree = nixParser().parse('{ a = 1;\n  b = "x"; }');
    const bindings = tree.rootNode.descendantsOfType('binding');
    expect(bindings.map((b) => b.text)).toEqual(['a = 1;', 'b = "x";']);
    expect(bindings[1]!.startPosition).toEqual({ row: 1, column: 2 });
    expect(tree.rootNode.hasError).toBe(false);
  });
});
