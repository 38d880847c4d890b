import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProgram } from '../../src/cli/main.js';
import { specFromCommander, type CompletionSpec } from '../../src/cli/completion/spec.js';
import { runCli } from '../helpers/cli.js';
import { describeWhen } from '../helpers/requires.js';

// CI installs zsh and fish (scripts/install-test-deps.sh); describeWhen fails there when one is missing.
/**
 * Each completion script is loaded into the real shell and asked what it completes:
 * bash through its completion function with COMP_WORDS/COMP_CWORD set, fish through
 * `complete -C`, zsh through a pseudo-terminal (zpty) where TAB runs the real
 * completion system and a key binding writes the edited line to a file.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-completion-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function script(shell: string): string {
  const r = runCli(['completion', shell]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  const file = path.join(tmp, `nixharden.${shell}`);
  fs.writeFileSync(file, r.stdout);
  return file;
}

const installed = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** The real CLI's command tree, as main.ts builds it. */
function realSpec(): CompletionSpec {
  return specFromCommander(createProgram(() => undefined));
}

/** Completions bash offers for each line (the last word is the one being completed). */
function bashComplete(file: string, lines: string[][]): string[][] {
  const calls = lines
    .map((words) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _nixharden; printf '%s\\n' "\${COMPREPLY[*]}"`)
    .join('\n');
  const out = execFileSync('bash', ['-c', `source '${file}'\ncd '${tmp}'\n${calls}`], { encoding: 'utf8' });
  return out.split('\n').slice(0, lines.length).map((l) => (l ? l.split(' ').sort() : []));
}

describe('nixharden completion bash', () => {
  const file = script('bash');

  it('completes commands, options, option values and subcommands', () => {
    fs.writeFileSync(path.join(tmp, 'flake.nix'), '{ }\n');
    expect(
      bashComplete(file, [
        ['nixharden', 'sc'],
        ['nixharden', 'scan', '--for'],
        ['nixharden', 'scan', '--format', ''],
        ['nixharden', 'scan', '--format', 's'],
        ['nixharden', 'scan', '--format', '=', 'j'],
        ['nixharden', 'scan', '--min-severity', 'h'],
        ['nixharden', 'scan', '-f', 'json', '--output', 'fla'],
        ['nixharden', 'scan', 'fla'],
        ['nixharden', 'policy', ''],
        ['nixharden', 'policy', 'init', '--f'],
        ['nixharden', 'data', 'branches', '--'],
        ['nixharden', 'completion', ''],
        ['nixharden', '--v'],
        ['nixharden', 'pin', '--q'],
      ]),
    ).toEqual([
      ['scan'],
      ['--format'],
      ['json', 'markdown', 'sarif', 'text'],
      ['sarif'],
      ['json'],
      ['high'],
      ['flake.nix'],
      ['flake.nix'],
      ['check', 'help', 'init'],
      ['--force'],
      // The global options work after any command and its help lists them.
      ['--as-of', '--from', '--help', '--quiet', '--set', '--verbose', '--version'],
      ['bash', 'fish', 'zsh'],
      ['--verbose', '--version'],
      ['--quiet'],
    ]);
  });

  it('offers every command and option of the real CLI (generated from it, so it never drifts)', () => {
    const spec = realSpec();
    const lines: string[][] = [];
    const want: string[][] = [];
    for (const c of spec.commands) {
      lines.push(['nixharden', ...c.path, '-']);
      want.push(c.options.flatMap((o) => o.flags).sort());
      if (c.subcommands.length) {
        lines.push(['nixharden', ...c.path, '']);
        want.push(c.subcommands.map((s) => s.name).sort());
      }
    }
    expect(spec.commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['scan', 'policy init', 'data branches', 'completion']));
    expect(bashComplete(file, lines)).toEqual(want);
  });
});

describeWhen(installed('fish'), 'fish', 'nixharden completion fish', () => {
  it('completes through fish itself (complete -C)', () => {
    const file = script('fish');
    const ask = (line: string): string[] =>
      execFileSync('fish', ['-c', `source '${file}'; cd '${tmp}'; complete -C '${line}'`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!)
        .sort();
    expect(ask('nixharden sc')).toEqual(['scan']);
    expect(ask('nixharden scan --for')).toEqual(['--format']);
    expect(ask('nixharden scan --format ')).toEqual(['json', 'markdown', 'sarif', 'text']);
    expect(ask('nixharden scan -f json --min-severity c')).toEqual(['critical']);
    expect(ask('nixharden policy ')).toEqual(['check', 'help', 'init']);
    expect(ask('nixharden policy init --f')).toEqual(['--force']);
    expect(ask('nixharden data branches --a')).toEqual(['--as-of']);
    expect(ask('nixharden completion ')).toEqual(['bash', 'fish', 'zsh']);
  });
});

describeWhen(installed('zsh'), 'zsh', 'nixharden completion zsh', () => {
  it('completes through zsh itself (compinit, TAB in a pseudo-terminal)', () => {
    const file = script('zsh');
    const lines = ['nixharden sc', 'nixharden scan --for', 'nixharden scan --format sa', 'nixharden scan --format=ma', 'nixharden policy i', 'nixharden data branches --a', 'nixharden completion f'];
    const out = path.join(tmp, 'zsh-buffer');
    const driver = `
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PS1="> "; autoload -U compinit; compinit -u -D; source ${file}; nixharden() { :; }'
zpty -w z "dump() { print -r -- \\"\\$BUFFER\\" > ${out}; BUFFER=''; }; zle -N dump; bindkey '^X' dump"
for line in ${lines.map((l) => `'${l}'`).join(' ')}; do
  rm -f ${out}
  zpty -w -n z "$line"$'\\t\\x18'
  for i in {1..200}; do [[ -s ${out} ]] && break; sleep 0.05; done
  print -r -- "$(<${out})"
done
zpty -d z
`;
    const result = execFileSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', cwd: tmp });
    expect(result.split('\n').filter(Boolean)).toEqual([
      'nixharden scan ',
      'nixharden scan --format ',
      'nixharden scan --format sarif ',
      'nixharden scan --format=markdown ',
      'nixharden policy init ',
      'nixharden data branches --as-of ',
      'nixharden completion fish ',
    ]);
  });
});
