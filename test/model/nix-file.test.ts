import { at, modelFixture, modelText, plain, sliceOf } from './helpers.js';

describe('model of a NixOS module (fixtures/model/basic/configuration.nix)', () => {
  const m = modelFixture('basic/configuration.nix');

  it('flattens assignments, drops config., peels wrappers, resolves let constants and ++', () => {
    const byPath = new Map(m.assignments.map((a) => [a.path.join('.'), a]));
    expect([...byPath.keys()]).toEqual([
      'imports',
      'nix.settings.substituters',
      'nix.settings.extra-trusted-public-keys',
      'nix.settings.sandbox',
      'nix.settings.trusted-users',
      'nix.binaryCaches',
      'nix.extraOptions',
      'environment.systemPackages',
    ]);
    const subs = byPath.get('nix.settings.substituters')!;
    expect(plain(subs.value)).toEqual(['https://cache.example.org', 'https://cache.nixos.org']);
    expect(at(subs.span)).toBe('18:5-18:63');
    expect(at(subs.keySpan)).toBe('18:5-18:17');
    // The let constant's item points at its definition.
    expect(subs.value.kind === 'list' && at(subs.value.items[0]!.span)).toBe('9:11-9:38');
    expect(byPath.get('nix.settings.sandbox')!.wrappers).toEqual(['mkForce']);
    expect(plain(byPath.get('nix.settings.sandbox')!.value)).toBe(false);
    expect(byPath.get('nix.settings.trusted-users')!.wrappers).toEqual(['mkDefault']);
    expect(plain(byPath.get('environment.systemPackages')!.value)).toEqual([{ unknown: 'git' }]);
  });

  it('maps nix.settings, deprecated options and extraOptions lines to nix.conf settings with exact spans', () => {
    const rows = m.settings.map((s) => [s.key, s.append, s.origin, s.optionName, plain(s.value), at(s.keySpan)]);
    expect(rows).toEqual([
      ['substituters', false, 'nix.settings', 'nix.settings.substituters', ['https://cache.example.org', 'https://cache.nixos.org'], '18:5-18:17'],
      ['extra-trusted-public-keys', true, 'nix.settings', 'nix.settings.extra-trusted-public-keys', ['example.org-1:AAAA'], '19:5-19:32'],
      ['sandbox', false, 'nix.settings', 'nix.settings.sandbox', false, '20:5-20:12'],
      ['trusted-users', false, 'nix.settings', 'nix.settings.trusted-users', ['root', '@wheel'], '22:3-22:29'],
      ['substituters', false, 'deprecated-option', 'nix.binaryCaches', ['http://old.example.org'], '26:3-26:19'],
      ['extra-substituters', true, 'extraOptions', 'extra-substituters', ['https://a.example.org', 'https://b.example.org'], '29:5-29:23'],
      ['trusted-users', false, 'extraOptions', 'trusted-users', { unknown: '${…} root' }, '30:5-30:18'],
    ]);
    const extra = m.settings[5]!;
    expect(sliceOf(m.text, extra.span)).toBe('extra-substituters = https://a.example.org https://b.example.org');
    expect(extra.value.kind === 'list' && extra.value.items.map((i) => sliceOf(m.text, i.span))).toEqual(['https://a.example.org', 'https://b.example.org']);
  });

  it('records imports resolved next to the file, and comments with their lines', () => {
    expect(m.imports.map((i) => [i.text, i.resolved?.endsWith('fixtures/model/basic/hardware-configuration.nix') || i.resolved?.endsWith('fixtures/model/basic/modules'), at(i.span)])).toEqual([
      ['./hardware-configuration.nix', true, '13:5-13:33'],
      ['./modules', true, '14:5-14:14'],
    ]);
    expect(m.comments).toEqual([
      { line: 1, text: '# A NixOS module in nixfmt style, with most ways of setting Nix options.' },
      { line: 28, text: '# nixharden: ignore[NH001] test' },
    ]);
    expect(m.parseProblems).toEqual([]);
  });

  it('walks mkMerge lists and mkIf under config', () => {
    const d = modelFixture('basic/modules/default.nix');
    expect(d.assignments.map((a) => [a.path.join('.'), plain(a.value), a.wrappers])).toEqual([
      ['nix.settings.require-sigs', false, ['mkMerge']],
      ['nix.settings.sandbox', 'relaxed', ['mkMerge', 'mkIf']],
    ]);
    expect(d.settings.map((s) => s.key)).toEqual(['require-sigs', 'sandbox']);
  });
});

describe('robustness', () => {
  it('models pathologically nested files without running out of stack', () => {
    const n = 2000;
    for (const text of ['{ a = '.repeat(n) + '1' + '; }'.repeat(n), '[ '.repeat(n) + '1' + ' ]'.repeat(n), '('.repeat(n) + '1' + ')'.repeat(n), '1' + ' + 1'.repeat(20000)]) {
      const m = modelText(`${text}\n`);
      expect(m.parseProblems).toEqual([]);
    }
  });

  it('reports nesting past the checkable depth as too deep, not as a syntax error or a crash', () => {
    const n = 3000;
    for (const text of ['{ a = '.repeat(n) + '1' + '; }'.repeat(n), '[ '.repeat(n) + '1' + ' ]'.repeat(n), '('.repeat(n) + '1' + ')'.repeat(n)]) {
      const m = modelText(`${text}\n`);
      expect(m.parseProblems.map((p) => p.message)).toEqual([expect.stringMatching(/^nested 3000 levels deep: too deep to check/)]);
    }
  });

  it('reports an empty file as Nix does', () => {
    expect(modelText('# only a comment\n').parseProblems.map((p) => [p.span.startLine, p.span.startColumn, p.message])).toEqual([[1, 17, 'syntax error, unexpected end of file']]);
  });
});
