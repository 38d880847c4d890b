import type { StagexIndex } from '../stagex/types.js';
import type { StagexMapping } from './types.js';

export interface MappingCoverage {
  /** Images in the index. */
  total: number;
  /** Images the map declares to have no nixpkgs counterpart. */
  stagexOnly: number;
  /** total − stagexOnly. */
  withCounterpart: number;
  /** Images a package or service entry names (own images, outputs, variants). */
  mapped: number;
  /** Images neither mapped nor declared stagex-only: work left in the map. */
  unaccounted: string[];
  /** Image ids the map names that the index does not have. */
  notInIndex: string[];
}

/** How much of a stagex release the map covers: mapped / withCounterpart is the coverage figure. */
export function mappingCoverage(mapping: StagexMapping, index: StagexIndex): MappingCoverage {
  const ids = new Set(index.images.map((i) => i.id));
  const mapped = new Set<string>();
  const mentioned = new Set<string>();
  for (const e of Object.values(mapping.packages)) {
    for (const id of [...e.images, ...Object.values(e.outputs ?? {}).flat(), ...(e.variants ?? [])]) mapped.add(id);
    for (const id of e.runtime ?? []) mentioned.add(id);
  }
  for (const s of Object.values(mapping.services)) {
    s.images.forEach((id) => mapped.add(id));
    (s.runtime ?? []).forEach((id) => mentioned.add(id));
  }
  for (const list of [mapping.unmapped['no-equivalent'].packages, mapping.unmapped['no-equivalent'].services]) {
    for (const e of Object.values(list)) (e.nearest ?? []).forEach((id) => mentioned.add(id));
  }
  const closure = mapping.closure;
  for (const id of [...closure.libraries, ...closure.toolchainLibraries, ...closure.buildOnly, ...Object.keys(closure.interpreters), ...Object.values(closure.toolchainRuntime).flat()]) mentioned.add(id);
  for (const rule of Object.values(closure.interpreters)) [...(rule.buildEnvs ?? []), ...(rule.installers ?? []), ...(rule.buildOnlyPackages ?? [])].forEach((id) => mentioned.add(id));
  const stagexOnly = new Set(mapping.stagexOnly.flatMap((g) => g.images));
  stagexOnly.forEach((id) => mentioned.add(id));
  mapped.forEach((id) => mentioned.add(id));
  const inIndex = (id: string) => ids.has(id);
  return {
    total: ids.size,
    stagexOnly: [...stagexOnly].filter(inIndex).length,
    withCounterpart: ids.size - [...stagexOnly].filter(inIndex).length,
    mapped: [...mapped].filter(inIndex).length,
    unaccounted: [...ids].filter((id) => !mapped.has(id) && !stagexOnly.has(id)).sort(),
    notInIndex: [...mentioned].filter((id) => !inIndex(id)).sort(),
  };
}
