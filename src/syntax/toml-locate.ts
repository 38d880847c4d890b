/**
 * Lines of TOML keys and tables, for error messages. smol-toml keeps no positions, so
 * JSON paths (as ajv and our validators report them) are mapped to lines by scanning
 * table headers and `key =` lines. The one TOML locator: the config file and the trust
 * policy both use it. Best effort: it only points messages at a line.
 */

/** JSON path (keys and array indexes) to a 1-based line; undefined when nothing matches. */
export type Locator = (pointer: (string | number)[]) => number | undefined;

/**
 * smol-toml keeps no positions, so map JSON paths to lines by scanning table
 * headers and `key =` lines. Best effort: used only to point error messages.
 */
export function tomlLocator(text: string): Locator {
  const lines = text.split(/\r?\n/);
  const where = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: (string | number)[] = [];
  let inMultiline: string | undefined;
  const keyPath = (raw: string) => raw.split('.').map((k) => k.trim().replace(/^["']|["']$/g, ''));
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = undefined;
      return;
    }
    const t = line.trim();
    let m: RegExpMatchArray | null;
    if ((m = t.match(/^\[\[\s*([^\]]+?)\s*\]\]/))) {
      const names = keyPath(m[1]);
      // Nested arrays of tables ([[a.b]]) attach to the latest element of each parent array.
      const resolved: (string | number)[] = [];
      for (const name of names) {
        resolved.push(name);
        const idxKey = JSON.stringify(resolved);
        if (name === names[names.length - 1]) {
          const n = arrayCounts.get(idxKey) ?? 0;
          arrayCounts.set(idxKey, n + 1);
          resolved.push(n);
        } else {
          const n = arrayCounts.get(idxKey);
          if (n !== undefined) resolved.push(n - 1);
        }
      }
      table = resolved;
      where.set(JSON.stringify(table), lineNo);
    } else if ((m = t.match(/^\[\s*([^\]]+?)\s*\]/))) {
      const resolved: (string | number)[] = [];
      for (const name of keyPath(m[1])) {
        resolved.push(name);
        const n = arrayCounts.get(JSON.stringify(resolved));
        if (n !== undefined) resolved.push(n - 1);
      }
      table = resolved;
      where.set(JSON.stringify(table), lineNo);
    } else if ((m = t.match(/^([A-Za-z0-9_."'-]+)\s*=\s*(.*)$/))) {
      const full = [...table, ...keyPath(m[1])];
      where.set(JSON.stringify(full), lineNo);
      const value = m[2];
      for (const q of ['"""', "'''"]) {
        const first = value.indexOf(q);
        if (first >= 0 && value.indexOf(q, first + 3) < 0) inMultiline = q;
      }
    }
  });
  return (pointer) => {
    for (let n = pointer.length; n >= 0; n--) {
      const line = where.get(JSON.stringify(pointer.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  };
}
