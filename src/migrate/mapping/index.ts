/** The nixpkgs → stagex mapping API that `migrate` uses. */
export { loadMapping, parseMapping, DEFAULT_MAPPING_FILE } from './load.js';
export { resolvePackage, resolveService, canonicalAttr } from './resolve.js';
export { runtimeClosure, type ClosureOverrides } from './closure.js';
export { mappingCoverage, type MappingCoverage } from './coverage.js';
export type * from './types.js';
