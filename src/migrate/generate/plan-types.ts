/**
 * The migration plan of one host: what `plan.json` holds (format version 1,
 * schema in docs/migrate-plan-schema-v1.json), and what every other generated
 * file is rendered from. Fields may be added within version 1; removing or
 * changing one bumps the version.
 */
import type { Confidence, UnmappedReason } from '../mapping/index.js';
import type { Unrendered } from './services/options.js';

export const PLAN_VERSION = 1;

export type SeverityCounts = Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;

/** A stagex image a generated Containerfile uses. */
export interface PlanImage {
  /** `core-openssl` */
  id: string;
  stage: string;
  /** `stagex/core-openssl` */
  image: string;
  version: string | null;
  /** `sha256:<hex>`; null when no index gave one (the FROM line is then unpinned). */
  digest: string | null;
}

export interface PlanPackage {
  attr: string;
  status: 'mapped' | 'unmapped';
  /** Images to copy in: the package's own and its runtime libraries, core-musl first. */
  images: string[];
  confidence: Confidence | null;
  reason: UnmappedReason | null;
  note?: string;
  /** For `no-equivalent`: the nearest stagex answers. */
  nearest?: string[];
  /** For `not-packaged`: where its source is, for the commented source-build stage. */
  source?: { url: string; hash?: string };
  /** Every place the configuration installs it, `file:line` (option). */
  where: string[];
  /** Installed only under a condition (`lib.optionals`, `mkIf`). */
  conditional: boolean;
}

export interface PlanService {
  /** `services/<id>.Containerfile` */
  id: string;
  /** The NixOS service, `services.<service>`. */
  service: string;
  status: 'mapped' | 'unmapped';
  images: string[];
  reason: UnmappedReason | null;
  note?: string;
  user: string;
  entrypoint: string[];
  ports: { port: number; proto: 'tcp' | 'udp'; exposed: boolean }[];
  /** Config files rendered beside the Containerfile: name in `services/` → path in the image. */
  configFiles: { file: string; target: string }[];
  notes: string[];
  unrendered: Unrendered[];
  /** Where it was enabled, `file:line`. */
  where: string;
}

export interface PlanFinding {
  id: string;
  severity: keyof SeverityCounts;
  where: string;
  message: string;
}

export interface PlanPin {
  kind: string;
  name: string;
  where: string;
  mutable: boolean;
  /** A full commit, when pinned to one. */
  rev?: string;
  hash?: string;
  source?: string;
}

export interface PlanSigner {
  id: string;
  name: string;
  /** OpenPGP primary key fingerprints, hex upper case. */
  fingerprints: string[];
  /** Certificate file the policies reference, relative to the host directory. */
  keyFile: string;
}

export interface MigrationPlan {
  version: typeof PLAN_VERSION;
  tool: { name: 'nixharden'; version: string };
  host: string;
  /** The configuration: the paths given to migrate, the host's entry files and all its files (relative to the scan root). */
  source: { paths: string[]; entry: string[]; files: string[] };
  /** Who the configuration trusts today, for the "before" trust graph. */
  trustToday: {
    /** Binary caches (`substituters`, `extra-substituters`), official first. */
    substituters: string[];
    /** `trusted-public-keys` names (`cache.nixos.org-1`). */
    keys: string[];
    /** Where the pinned sources come from: `github:NixOS/nixpkgs`, one per source. */
    sources: string[];
  };
  stagex: {
    release: string | null;
    /** The index used, as given (`--stagex`), or null when none was found. */
    index: string | null;
    /** Every image of the generated Containerfiles has a digest. */
    pinned: boolean;
  };
  /**
   * A registry prefix that mirrors docker.io/stagex (`registry.example.org/stagex`), or null to pull
   * from Docker Hub. Mirrored images are still signed as docker.io/stagex (remapped identity).
   */
  mirror: string | null;
  /** Signature lookaside of the stagex images. */
  lookaside: string;
  /** The host's output directory relative to the repository root, for the CI workflows. */
  outputDir: string;
  packages: PlanPackage[];
  /** Package list elements that are not nixpkgs attributes (local derivations, flake inputs, computed lists). */
  unreadPackages: { text: string; why: string; where: string }[];
  services: PlanService[];
  /** Services whose `enable` could not be read statically: not migrated. */
  undeterminedServices: { service: string; where: string }[];
  firewall: {
    enabled: boolean | 'unknown';
    tcp: number[];
    udp: number[];
    tcpRanges: { from: number; to: number }[];
    udpRanges: { from: number; to: number }[];
    unread: { option: string; text: string; where: string }[];
  };
  users: { name: string; normal: boolean; system: boolean; uid: number | null; groups: string[]; shell: string | null; authorizedKeys: number }[];
  coverage: { mapped: number; total: number; percent: number };
  findings: SeverityCounts & { total: number; top: PlanFinding[] };
  pins: { total: number; mutable: number; immutable: number; items: PlanPin[] };
  images: PlanImage[];
  /** The stagex pallet offered for source builds of `not-packaged` packages. */
  pallet: PlanImage | null;
  signers: PlanSigner[];
  /** Distinct maintainers' signatures required on every stagex image. */
  threshold: number;
  warnings: string[];
}
