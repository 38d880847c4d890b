/**
 * String literals decode exactly as Nix evaluates them (oracle:
 * `nix-instantiate --eval --strict --json`), including the indentation
 * stripping of ''indented'' strings and every escape.
 */
import { spawnSync } from 'node:child_process';
import { describeWithNix } from '../syntax/oracle.js';
import { modelText, plain } from './helpers.js';

const LITERALS = [
  '"plain"',
  '"tab\\there\\nnewline \\"quoted\\" back\\\\slash \\${not} \\q"',
  '"dollars $ $$ a$ $${x} $$"',
  '"multi\nline"',
  '"héllo ✓ 😀"',
  "''single line''",
  "''\n  indented\n    more\n  back\n''",
  "''  first line kept\n  second\n''",
  "''\n\n  blank lines\n\n  around\n\n''",
  "''\n  trailing spaces   \n  ''",
  "''\n  last line no newline''",
  "''\n  escapes ''$ ''' ''\\n ''\\t ''\\x $${x} $ '\n''",
  "''\n\tnot stripped (tab)\n  x\n''",
  "''''",
  "''\n''",
  "''  \n  after spaces-only first line\n''",
  "''\n    deeper\n  ''${kept}\n''",
  "''a\n    b\n  c''",
  '""',
  '"\\r\\n"',
];

describeWithNix('oracle: string literals decode as Nix evaluates them', () => {
  const src = `[\n${LITERALS.join('\n')}\n]\n`;
  const nix = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', src], { encoding: 'utf8' });

  it('Nix evaluates the literals', () => {
    expect(nix.stderr).toBe('');
    expect(nix.status).toBe(0);
  });

  it('decodes every literal to the same string', () => {
    const m = modelText(`{ x = ${src}; }`);
    expect(m.parseProblems).toEqual([]);
    const ours = plain(m.assignments[0]!.value);
    expect(ours).toEqual(JSON.parse(nix.stdout));
  });
});
