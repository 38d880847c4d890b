import type { CompletionCommand, CompletionSpec } from './spec.js';

/** Single-quoted for sh, bash, zsh and fish (fish also treats `\` specially inside quotes). */
export function quote(s: string, shell: 'posix' | 'fish' = 'posix'): string {
  if (shell === 'fish') return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command's path as one word: '' for the program, 'policy init' for a subcommand. */
export function pathKey(c: CompletionCommand): string {
  return c.path.join(' ');
}

/** A valid shell function name for the program (`nixharden` → `_nixharden`). */
export function functionName(spec: CompletionSpec): string {
  return `_${spec.program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * Shell `case` arms shared by the bash and zsh scripts: subcommands, options, the
 * values an option takes, and positional choices, each keyed by the command path.
 */
export function caseTables(spec: CompletionSpec): { subcommands: string[]; options: string[]; values: string[]; args: string[] } {
  const subcommands: string[] = [];
  const options: string[] = [];
  const values: string[] = [];
  const args: string[] = [];
  for (const c of spec.commands) {
    const key = pathKey(c);
    if (c.subcommands.length) subcommands.push(`${quote(key)}) echo ${quote(c.subcommands.map((s) => s.name).join(' '))} ;;`);
    options.push(`${quote(key)}) echo ${quote(c.options.flatMap((o) => o.flags).join(' '))} ;;`);
    for (const o of c.options.filter((x) => x.takesValue)) {
      values.push(`${o.flags.map((f) => quote(`${key}|${f}`)).join('|')}) echo ${quote(o.choices.join(' '))} ;;`);
    }
    c.argChoices.forEach((choices, i) => {
      if (choices.length) args.push(`${quote(`${key}|${i}`)}) echo ${quote(choices.join(' '))} ;;`);
    });
  }
  return { subcommands, options, values, args };
}
