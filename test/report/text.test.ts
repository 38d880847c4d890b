import { renderText, shouldColor } from '../../src/report/text.js';
import { findingAt, resultOf } from './helpers.js';

const host = '{\n  nix.settings.require-sigs = false;\n\tnix.settings.substituters = [ "http://x.org" ];\n}\n';

describe('text report', () => {
  it('shows a code frame with a caret under exactly the span, headed by id, severity, reason and file:line:col', () => {
    const f = findingAt('hosts/a.nix', host, 'nix.settings.require-sigs = false;', 'NH005', { message: 'signature checking is off' });
    const out = renderText(resultOf({ 'hosts/a.nix': host }, [f]), { color: false });
    const lines = out.split('\n');
    expect(lines[0]).toBe('NH005 critical: signature checking is off');
    expect(lines[1]).toBe('  --> hosts/a.nix:2:3');
    expect(lines[3]).toBe('2 |   nix.settings.require-sigs = false;');
    expect(lines[4]).toBe(`  |   ${'^'.repeat('nix.settings.require-sigs = false;'.length)}`);
    expect(out).toMatch(/1 finding \(1 critical\); 1 file scanned\n$/);
    expect(out).not.toContain('\x1b[');
  });

  it('keeps tabs in the caret line so the underline stays aligned', () => {
    const f = findingAt('a.nix', host, '"http://x.org"', 'NH002');
    const out = renderText(resultOf({ 'a.nix': host }, [f]), { color: false });
    const caretLine = out.split('\n').find((l) => l.includes('^'))!;
    expect(caretLine).toBe(`  | \t${' '.repeat('nix.settings.substituters = [ '.length)}${'^'.repeat(14)}`);
  });

  it('frames multi-line spans by their first and last line', () => {
    const text = 'x = {\n  a = builtins.fetchGit {\n    url = "u";\n  };\n}\n';
    const start = text.indexOf('builtins.fetchGit');
    const end = text.indexOf('}', start) + 1;
    const f = { ...findingAt('m.nix', text, 'builtins.fetchGit', 'NH011') };
    f.span = { ...f.span, endLine: 4, endColumn: 4, endOffset: end };
    const out = renderText(resultOf({ 'm.nix': text }, [f]), { color: false });
    expect(out).toContain('2 |   a = builtins.fetchGit {');
    expect(out).toContain('  | ...');
    expect(out).toContain('4 |   };');
  });

  it('summarises suppressed and below-threshold counts, and says so when there is nothing', () => {
    const f = findingAt('a.nix', host, 'nix.settings.require-sigs = false;', 'NH005', { suppressed: { by: 'inline', reason: 'lab box' } });
    const out = renderText(resultOf({ 'a.nix': host }, [f], { belowThreshold: 2, selection: { minSeverity: 'high' } }), { color: false });
    expect(out.trim()).toBe('No findings; 1 suppressed; 2 below high; 1 file scanned');
  });

  it('never passes control characters or bidi overrides from scanned files to the terminal', () => {
    const evil = '{\n  nix.settings.substituters = [ "https://x.org/\u001b]0;pwned\u0007\u001b[2J\u202e" ];\n}\n';
    const needle = '"https://x.org/\u001b]0;pwned\u0007\u001b[2J\u202e"';
    const f = findingAt('a.nix', evil, needle, 'NH001', { message: `${needle} is added` });
    const out = renderText(resultOf({ 'a.nix': evil }, [f]), { color: false });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(out).toContain('\\u001b]0;pwned\\u0007');
    // The frame keeps one column per replaced character, so the caret still spans the literal.
    const caret = out.split('\n').find((l) => l.includes('^'))!;
    expect(caret.split('^').length - 1).toBe(needle.length);
  });

  it('colours only when asked', () => {
    const f = findingAt('a.nix', host, 'nix.settings.require-sigs = false;', 'NH005');
    expect(renderText(resultOf({ 'a.nix': host }, [f]), { color: true })).toContain('\x1b[1;31mcritical\x1b[0m');
  });

  it('decides colour from TTY, NO_COLOR and FORCE_COLOR', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
  });
});
