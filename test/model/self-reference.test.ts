import { modelText, plain } from './helpers.js';

/** How many StaticValue nodes a value has. */
function size(v: Parameters<typeof plain>[0]): number {
  if (!v) return 0;
  if (v.kind === 'list') return 1 + v.items.reduce((n, x) => n + size(x), 0);
  if (v.kind === 'attrs') return 1 + [...v.entries.values()].reduce((n, x) => n + size(x), 0);
  return 1;
}

describe('static values of self-referring definitions (fixpoints)', () => {
  // nixvim's tests/nixpkgs-mock.nix: two self-references doubled the copies at each
  // level, 1.6 million values for a 290-byte file.
  const text = `{ config ? { }, ... }:
let
  pkgs = {
    _type = "pkgs";
    __splicedPackages = pkgs;
    inherit config pkgs;
    mock = true;
  };
in
{ _module.args.mockPkgs = pkgs; }
`;

  it('stops at the recurring reference, keeping the known parts and the reference as unknown', () => {
    const m = modelText(text);
    const byPath = new Map(m.assignments.map((a) => [a.path.join('.'), a]));
    expect(plain(byPath.get('_module.args.mockPkgs.__splicedPackages')!.value)).toEqual({
      _type: 'pkgs',
      __splicedPackages: { unknown: 'pkgs' },
      config: { unknown: 'config' },
      pkgs: { unknown: 'pkgs' },
      mock: true,
    });
    const total = m.assignments.reduce((n, a) => n + size(a.value), 0);
    expect(total).toBeLessThan(100);
  });

  it('still expands a definition used twice without recursion', () => {
    const m = modelText(`let c = [ "https://a.example" ]; in { nix.settings.substituters = c ++ c; }`);
    expect(plain(m.assignments[0]!.value)).toEqual(['https://a.example', 'https://a.example']);
  });
});
