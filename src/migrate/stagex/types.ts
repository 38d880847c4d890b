/**
 * The stagex index: one record per published image of a stagex release, built by
 * `nixharden stagex import` from a release tree (packages/ and digests/) or from a
 * base URL serving digests/<stage>.txt. Its JSON form is documented by
 * docs/stagex-index-schema-v1.json; `migrate` reads it to pin `FROM` lines.
 */

export const STAGEX_STAGES = ['bootstrap', 'core', 'pallet', 'user'] as const;
export type StagexStage = (typeof STAGEX_STAGES)[number];

export interface StagexImage {
  /** `<stage>-<name>`, as in digests/<stage>.txt: "core-openssl". */
  id: string;
  stage: StagexStage;
  /** The published name (a subpackage's own name): "openssl", "clang". */
  name: string;
  /** Image reference without registry, tag or digest: "stagex/core-openssl". */
  image: string;
  /** The package version, `version_from` resolved; null when unknown (URL import, or none declared). */
  version: string | null;
  /** "sha256:<64 hex>" from digests/<stage>.txt; null when the release lists none. */
  digest: string | null;
  /** Directory that publishes the image, relative to the release root: "packages/core/llvm". Empty for a URL import. */
  packageDir: string;
  /** Name of the publishing package (differs from `name` for subpackages: "llvm" publishes "clang"). */
  package: string;
  /** For the main image of a multi-image package: the ids of its other images. */
  subpackages: string[];
  /** Image ids from the Containerfile's `FROM stagex/…` and `COPY --from=stagex/…` lines, in order, deduplicated. */
  buildDeps: string[];
  /** package.toml `description`, when given. */
  description?: string;
  /** package.toml `license` (SPDX), when given. */
  license?: string;
  /** package.toml `website`, when given. */
  website?: string;
}

export interface StagexIndex {
  version: 1;
  /** Release name ("2026.03.0") when known from the source path or URL, or given. */
  release: string | null;
  /** The directory (absolute) or base URL the index was built from. */
  source: string;
  /** ISO 8601; from SOURCE_DATE_EPOCH when set, so an import can be reproduced. */
  generatedAt: string;
  /** False for a URL import: versions, packages and build dependencies are then unknown. */
  packageData: boolean;
  images: StagexImage[];
  /** Problems that did not stop the import: an image without a digest, a package directory without package.toml, … */
  warnings: string[];
}

export interface StagexImportOptions {
  /** Release name to record when the source does not say (default: taken from the path or URL). */
  release?: string;
  /** For a URL source: cache directory (default: defaultCacheDir()). */
  cacheDir?: string;
  /** For a URL source: retries after 5xx/429/network errors (default 3). */
  retries?: number;
  /** For a URL source: first backoff delay in ms, doubling per retry (default 500). */
  retryDelayMs?: number;
  /** Called with a short status line while downloading (the CLI passes one only on a TTY). */
  progress?: (message: string) => void;
  /** Environment for defaults (cache dir, SOURCE_DATE_EPOCH); default process.env. */
  env?: NodeJS.ProcessEnv;
}
