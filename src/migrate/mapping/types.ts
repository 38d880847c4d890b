/**
 * nixpkgs → stagex mapping: the data (mappings/nixpkgs-to-stagex.yaml, reviewed like
 * code) and what resolving a nixpkgs attribute or a NixOS service against it yields.
 * `migrate` consumes PackageResolution and ServiceResolution.
 */

/** exact: same software and release line; equivalent: same software, version or build options may differ; partial: covers part of it. */
export type Confidence = 'exact' | 'equivalent' | 'partial';
export const CONFIDENCES: readonly Confidence[] = ['exact', 'equivalent', 'partial'];

/** Why a package or service does not map: GUI/desktop, no stagex image, no equivalent at all (systemd, nix), or not in the map. */
export type UnmappedReason = 'desktop' | 'not-packaged' | 'no-equivalent' | 'unknown';

export interface PackageEntry {
  /** The image ids that ARE the package. */
  images: string[];
  confidence: Confidence;
  note?: string;
  /** Other attribute names for the same entry (python313 for python3, xorg.libX11 for libx11). */
  aliases?: string[];
  /** Replaces the derived runtime closure (the closure rule cannot see dlopen, interpreters, C++ runtimes). */
  runtime?: string[];
  /** nixpkgs outputs served by other images: `dev` → the -devel subpackages (`openssl.dev`, `llvm.dev`). */
  outputs?: Record<string, string[]>;
  /** Other builds of the same software a user may pick instead (completions, flavours, kernels). */
  variants?: string[];
  /** 1-based line of the entry in the data file, for messages. */
  line: number;
}

export interface ServiceEntry {
  images: string[];
  runtime?: string[];
  /** User the daemon runs as in the image (name or uid:gid). */
  user?: string;
  /** ENTRYPOINT in exec form, replacing the inherited /bin/sh. */
  entrypoint?: string[];
  /** Name of the config file `migrate` renders beside the Containerfile ("sshd_config"). */
  configFile?: string;
  /** Where that file goes in the image ("/etc/ssh/sshd_config"). */
  configPath?: string;
  /** The service's default listening ports. */
  ports?: number[];
  note?: string;
  aliases?: string[];
  line: number;
}

export interface NoEquivalentEntry {
  /** Nearest stagex answer (image ids): busybox init, tini, eudev… */
  nearest?: string[];
  note: string;
  line: number;
}

export interface NotPackagedEntry {
  /** Where a source build would start; the hash is for the user to fill in when absent. */
  source?: { url: string; hash?: string };
  note?: string;
  line: number;
}

export interface UnmappedLists<T> {
  packages: Record<string, T>;
  services: Record<string, T>;
}

/** Data for the runtime closure rule (see runtimeClosure and docs/migrate.md). */
export interface ClosureRules {
  /** Library (or runtime data) images whose names do not say so; `lib*` and `*-libs` are libraries by name. */
  libraries: string[];
  /** Runtime data (CA certificates, hardware ids): needed, but its own build dependencies are not. */
  data: string[];
  /** Libraries that belong to a toolchain: followed when a package names them itself, never through a pallet. */
  toolchainLibraries: string[];
  /** Never runtime, whatever the name says (libtool, static-only libraries, allocators linked in statically). */
  buildOnly: string[];
  /** Interpreters, which are build tools unless the package is a program in their language. */
  interpreters: Record<string, InterpreterRule>;
  /** Runtime images a program built on a given pallet needs (rust: libunwind). */
  toolchainRuntime: Record<string, string[]>;
}

export interface InterpreterRule {
  /** Regular expression over image ids of the language's packages (`^(core|user)-py-`). */
  packages?: string;
  /** Pallets that, as the first build dependency, make a package a program in this language. */
  buildEnvs?: string[];
  /** Images whose presence among the build dependencies means a package is installed for this language. */
  installers?: string[];
  /** Language packages that are only build tools (build backends, installers). */
  buildOnlyPackages?: string[];
}

export interface StagexOnlyGroup {
  reason: string;
  images: string[];
}

export interface StagexMapping {
  version: 1;
  /** The stagex release the data was checked against. */
  release: string;
  file: string;
  packages: Record<string, PackageEntry>;
  services: Record<string, ServiceEntry>;
  unmapped: {
    desktop: { packages: string[]; services: string[] };
    'no-equivalent': UnmappedLists<NoEquivalentEntry>;
    'not-packaged': UnmappedLists<NotPackagedEntry>;
  };
  /** Images with no nixpkgs counterpart, grouped by reason (the denominator of the coverage figure excludes them). */
  stagexOnly: StagexOnlyGroup[];
  closure: ClosureRules;
}

export interface PackageResolution {
  /** The nixpkgs attribute as written ("openssh", "python3Packages.requests", "postgresql_16"). */
  attr: string;
  status: 'mapped' | 'unmapped';
  /** Everything a runnable image needs: runtime closure (core-musl first), then the package's own images. */
  images: string[];
  /** The image ids that ARE the package. */
  own: string[];
  /** Runtime closure ids, excluding `own`. */
  runtime: string[];
  /** True when `runtime` came from the closure rule, false when the map overrides it. */
  runtimeDerived: boolean;
  confidence?: Confidence;
  reason?: UnmappedReason;
  note?: string;
  /** For no-equivalent: the nearest stagex answer. */
  nearest?: string[];
  /** For not-packaged: where a source build would start, when known. */
  source?: { url: string; hash?: string };
  /** The map entry that matched (differs from `attr` for aliases, outputs and package-set spellings). */
  entry?: string;
  /** Other builds of the same software (from the map). */
  variants?: string[];
}

export interface ServiceResolution {
  service: string;
  status: 'mapped' | 'unmapped';
  images: string[];
  own: string[];
  runtime: string[];
  runtimeDerived?: boolean;
  user?: string;
  entrypoint?: string[];
  configFile?: string;
  configPath?: string;
  ports?: number[];
  reason?: UnmappedReason;
  note?: string;
  nearest?: string[];
}
