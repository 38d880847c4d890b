/**
 * How deeply a Nix text nests its brackets, for files too deep for the parsers' walks.
 * Only run when the light parser gave up on depth, so ordinary files never pay for it.
 */

/**
 * Past this many levels a file is reported as too deep to check. Nix's parser (a bison
 * parser with a 10,000-state stack) rejects nested attribute sets from about 2,500 levels
 * and lists from about 5,000 (measured with nix-instantiate --parse); real code, generated
 * code included, stays far below. Between this and Nix's limit a file may be valid Nix:
 * it is reported as "too deep to check", never as a syntax error, and never passed silently.
 */
export const TOO_DEEP = 2400;

/** The deepest nesting of `( [ { ${` in code, skipping strings and comments, and where it is reached. */
export function maxNesting(text: string): { depth: number; offset: number } {
  // Each frame is what closes it: ')' ']' '}' for code, '"' / "''" for strings (whose `${` open code again).
  const stack: string[] = [];
  let depth = 0; // code frames on the stack; string frames are not levels of the grammar
  let max = 0;
  let at = 0;
  const open = (closer: string, i: number): void => {
    stack.push(closer);
    if (++depth > max) {
      max = depth;
      at = i;
    }
  };
  const close = (): void => {
    stack.pop();
    depth--;
  };
  let i = 0;
  while (i < text.length) {
    const top = stack[stack.length - 1];
    const c = text[i]!;
    if (top === '"' || top === "''") {
      if (c === '\\' && top === '"') i += 2;
      else if (top === "''" && text.startsWith("''", i) && (text[i + 2] === '$' || text[i + 2] === "'" || text[i + 2] === '\\')) i += 3;
      else if (c === '$' && text[i + 1] === '{') {
        open('}', i);
        i += 2;
      } else if (top === '"' ? c === '"' : text.startsWith("''", i)) {
        stack.pop();
        i += top.length;
      } else i++;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      stack.push('"');
      i++;
    } else if (text.startsWith("''", i)) {
      stack.push("''");
      i += 2;
    } else if (c === '(' || c === '[' || c === '{') {
      open(c === '(' ? ')' : c === '[' ? ']' : '}', i);
      i++;
    } else if ((c === ')' || c === ']' || c === '}') && top === c) {
      close();
      i++;
    } else if (c === '$' && text[i + 1] === '{') {
      open('}', i);
      i += 2;
    } else i++;
  }
  return { depth: max, offset: at };
}
