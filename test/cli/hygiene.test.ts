import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

// Every command, as `--help` lists them: the same habits everywhere.
jest.setTimeout(120000);

function commandPaths(): string[][] {
  const out: string[][] = [];
  const walk = (prefix: string[]): void => {
    const help = runCli([...prefix, '--help']).stdout;
    const section = help.split(/^Commands:$/m)[1];
    if (!section) {
      out.push(prefix);
      return;
    }
    for (const m of section.matchAll(/^ {2}([a-z][a-z-]*)/gm)) if (m[1] !== 'help') walk([...prefix, m[1]!]);
  };
  walk([]);
  return out;
}

describe('CLI hygiene', () => {
  const commands = commandPaths();

  it('finds the commands', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(expect.arrayContaining(['scan', 'pin', 'pins', 'prefetch', 'verify-commit', 'policy init', 'policy check', 'rules', 'explain', 'data branches']));
  });

  it('help shows no commander internals: no "(default: …)" and no "[]"', () => {
    for (const c of commands) {
      const help = runCli([...c, '--help']).stdout;
      expect({ c, leaks: help.match(/\(default: |\[\]/g) }).toEqual({ c, leaks: null });
    }
  });

  it('every --format option also answers to -f', () => {
    for (const c of commands) {
      const help = runCli([...c, '--help']).stdout;
      if (/--format/.test(help)) expect({ c, short: /-f, --format/.test(help) }).toEqual({ c, short: true });
    }
  });

  it('every command lists --quiet and --verbose, with the same words', () => {
    for (const c of commands) {
      const help = runCli([...c, '--help']).stdout;
      const quiet = help.match(/^ {2}-q, --quiet +(.*)$/m)?.[1];
      const verbose = help.match(/^ {2}-v, --verbose +(.*)$/m)?.[1];
      expect({ c, quiet, verbose }).toEqual({ c, quiet: expect.stringMatching(/^no progress and no warnings on stderr/), verbose: expect.stringMatching(/^extra detail on stderr: which files/) });
    }
  });

  it('a usage error is one line on stderr, exit 2', () => {
    for (const c of commands) {
      const r = runCli([...c, '--no-such-option']);
      expect({ c, status: r.status }).toEqual({ c, status: 2 });
      expect(r.stderr).toMatch(/^nixharden: unknown option '--no-such-option' \(see --help\)\n$/);
    }
  });

  it('scan shows its paths as required', () => {
    expect(runCli(['scan', '--help']).stdout).toMatch(/^Usage: nixharden scan \[options\] <paths\.\.\.>$/m);
  });

  it('a missing input file is worded the same everywhere', () => {
    expect(runCli(['data', 'branches', '--from', '/nonexistent/list.json']).stderr).toBe('nixharden: /nonexistent/list.json: no such file or directory\n');
    expect(runCli(['scan', '/nonexistent/dir']).stderr).toBe('nixharden: /nonexistent/dir: no such file or directory\n');
    expect(runCli(['policy', 'check', '/nonexistent/p.toml']).stderr).toBe('nixharden: /nonexistent/p.toml: cannot read policy: no such file or directory\n');
  });
});
