import { renderMarkdown } from '../../src/report/markdown.js';
import { findingAt, resultOf } from './helpers.js';

describe('Markdown report', () => {
  const text = '{\n  nix.settings.trusted-users = [ "root" "@wheel" ];\n  nix.settings.sandbox = false;\n}\n';
  it('summarises and tabulates findings for a PR comment, with docs links', () => {
    const a = findingAt('hosts/a.nix', text, '"@wheel"', 'NH007', { message: 'group | wheel\nis trusted', severity: 'high' });
    const b = findingAt('hosts/a.nix', text, 'nix.settings.sandbox = false;', 'NH006', { suppressed: { by: 'inline', reason: 'builder VM' } });
    const md = renderMarkdown(resultOf({ 'hosts/a.nix': text }, [a, b]));
    expect(md).toContain('### nixharden: 1 finding');
    expect(md).toContain('1 high · 1 file scanned · 1 suppressed');
    expect(md).toContain('| **high** | [NH007](https://github.com/nixharden/nixharden/blob/main/docs/rules/NH007-trusted-users.md) trusted-users | `hosts/a.nix:2:41` | group \\| wheel\\\\u000ais trusted |'); // the newline shows as a visible escape
    expect(md).toContain('<details><summary>1 suppressed finding</summary>');
    expect(md).toContain('| inline: builder VM |');
    // Every table row has the same number of unescaped cell separators as its header.
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const rows = block.split('\n');
      const cells = (r: string): number => r.replace(/\\\|/g, '').split('|').length;
      for (const r of rows) expect(cells(r)).toBe(cells(rows[0]!));
    }
  });
  it('says so when there are no findings', () => {
    expect(renderMarkdown(resultOf({ 'a.nix': '{ }\n' }, []))).toBe('### nixharden: no findings\n\n1 file scanned\n');
  });
});
