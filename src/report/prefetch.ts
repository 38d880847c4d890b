/** `prefetch` output: JSON v1 and aligned text. */
import type { PrefetchResult } from '../pin/nar/prefetch.js';

export function prefetchToJson(r: PrefetchResult, expected: string | undefined, matches: boolean | undefined): object {
  return {
    version: 1,
    source: r.source,
    type: r.type,
    algorithm: r.hash.algorithm,
    sri: r.hash.sri,
    base32: r.hash.base32,
    hex: r.hash.hex,
    size: r.size,
    ...(r.unpack ? { stripped: r.unpack.stripped, topLevelEntries: r.unpack.topLevelEntries } : {}),
    ...(r.storePath ? { name: r.name, storePath: r.storePath } : {}),
    ...(expected !== undefined ? { expected, matches } : {}),
  };
}

export function prefetchToText(r: PrefetchResult): string {
  const lines: Array<[string, string | number | undefined]> = [
    ['sri', r.hash.sri],
    ['base32', r.hash.base32],
    ['hex', r.hash.hex],
    ['type', r.type],
    ['source', r.source],
    ['path', r.storePath],
  ];
  return lines
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(8)}${v}\n`)
    .join('');
}
