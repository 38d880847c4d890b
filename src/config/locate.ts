/**
 * smol-toml gives values without positions; to name the line of a bad key we scan
 * the text for the table header and the key. Good enough for one-line messages.
 */
export interface TomlPlace {
  /** Table path, e.g. ["rules", "severity"] or ["ignore"]. */
  table: string[];
  /** Index for `[[array]]` tables. */
  index?: number;
  key?: string;
}

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;

function keyName(k: string): string {
  return k.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
}

export function locateTomlLine(text: string, place: TomlPlace): number | undefined {
  const lines = text.split(/\r?\n/);
  const want = place.table.join('.');
  let current = '';
  const arrayCounts = new Map<string, number>();
  let headerLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = HEADER.exec(line);
    if (h) {
      current = h[2]!.split('.').map(keyName).join('.');
      if (h[1] === '[[') {
        const n = arrayCounts.get(current) ?? 0;
        arrayCounts.set(current, n + 1);
        if (current === want && n === (place.index ?? 0) && headerLine === undefined) headerLine = i + 1;
      } else if (current === want && headerLine === undefined) headerLine = i + 1;
      continue;
    }
    const inTable = current === want && (place.index === undefined || arrayCounts.get(current) === place.index + 1);
    if (!place.key) continue;
    const m = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=/.exec(line);
    if (!m) continue;
    const dotted = m[1]!.split('.').map(keyName);
    const full = [...(current ? current.split('.') : []), ...dotted].join('.');
    if ((inTable && keyName(m[1]!) === place.key) || full === [...place.table, place.key].join('.')) return i + 1;
  }
  return headerLine;
}
