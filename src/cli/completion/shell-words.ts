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

/**
 * Shell functions the bash and zsh scripts share (both run them as written):
 * `<fn>_walk WORD…` sets `cmdpath` (the (sub)command path) and `npos` (positional
 * arguments after it) from the words before the cursor, skipping option values.
 */
export function sharedFunctions(spec: CompletionSpec): string {
  const fn = functionName(spec);
  const t = caseTables(spec);
  const arms = (lines: string[]): string => lines.map((l) => `    ${l}`).join('\n');
  return `${fn}_subcommands() {
  case "$1" in
${arms(t.subcommands)}
  esac
}

${fn}_options() {
  case "$1" in
${arms(t.options)}
  esac
}

# Prints the fixed values of option $2 of command path $1 (nothing: any value);
# fails when the option takes no value.
${fn}_values() {
  case "$1|$2" in
${arms(t.values)}
    *) return 1 ;;
  esac
}

${fn}_args() {
  case "$1|$2" in
${arms(t.args)}
  esac
}

${fn}_walk() {
  cmdpath='' npos=0
  local w
  while (($#)); do
    w=$1
    shift
    if [[ $w == -* ]]; then
      # bash splits --opt=value into three words when COMP_WORDBREAKS holds "=".
      if [[ $1 == = ]]; then shift; (($#)) && shift
      elif [[ $w != *=* ]] && ${fn}_values "$cmdpath" "$w" >/dev/null; then shift; fi
    elif ((npos == 0)) && [[ " $(${fn}_subcommands "$cmdpath") " == *" $w "* ]]; then
      cmdpath=\${cmdpath:+$cmdpath }$w
    else
      ((npos++))
    fi
  done
  return 0
}`;
}
