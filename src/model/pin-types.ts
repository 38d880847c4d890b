/**
 * Pins: every place a configuration fixes (or fails to fix) which version of
 * some source it uses. Built from the scanner's model; `origin` keeps the
 * model object so a rewriter can edit exactly the spans the fact came from.
 */
import type { Span } from '../core/span.js';
import type { FlakeRef, GitHubRepo } from './flake-ref.js';
import type { ChannelLookup, FetchCall, FileModel, FlakeInput, LockNode, SourcesEntry } from './types.js';

export type { GitHubRepo };

export type PinKind =
  | 'flake-input'
  | 'flake-lock'
  | 'fetchTarball'
  | 'fetchurl'
  | 'fetchGit'
  | 'fetchTree'
  | 'fetchFromGitHub'
  | 'fetchgit'
  | 'fetchzip'
  | 'fetchFromGitLab'
  | 'getFlake'
  | 'niv'
  | 'npins'
  | 'channel';


export type PinOrigin =
  | { type: 'flake-input'; input: FlakeInput }
  | { type: 'flake-lock'; node: LockNode }
  | { type: 'fetch'; call: FetchCall }
  | { type: 'sources'; entry: SourcesEntry }
  | { type: 'channel'; lookup: ChannelLookup };

export interface Pin {
  kind: PinKind;
  /** Input name, lock node path (`home-manager/nixpkgs`), sources.json entry name, fetcher name, or channel name. */
  name: string;
  /** True for flake inputs and lock nodes that are not direct inputs of the root flake. */
  transitive: boolean;
  file: string;
  line: number;
  /** `owner/repo` on GitHub, when the pin is a GitHub source. */
  github?: GitHubRepo;
  /** The URL as written (fetchers, niv/npins), when there is one. */
  url?: string;
  /** Branch or tag the pin tracks. */
  ref?: string;
  /**
   * The tag the pin names, when it is pinned by tag: fetchFromGitHub's `tag = "…"`, or the
   * `# tag: X` comment `nixharden pin` leaves beside the `rev` it resolved the tag to.
   */
  tag?: string;
  /** Full commit id the pin is fixed to. */
  rev?: string;
  /** Content hash as written (any Nix form). */
  hash?: string;
  /** True when nothing (neither a commit id, a content hash nor a lock) stops the content from changing. */
  mutable: boolean;
  /**
   * `immutable`: a commit id or hash is written in place; `locked`: a flake input that follows a
   * branch, pinned by the flake.lock beside it (`lockedBy`); `mutable`: nothing pins it;
   * `unknown`: the fetcher's arguments cannot be read statically (can't tell).
   */
  state: 'immutable' | 'locked' | 'mutable' | 'unknown';
  /** The flake.lock that pins a flake input, when one was scanned. */
  lockedBy?: string;
  /** Commit time, seconds since the epoch (flake.lock `lastModified`). */
  lastModified?: number;
  /**
   * What the pin refers to, as the one flake-reference reader reads it (for a lock node:
   * its `original`, what flake.nix asked for). Undefined when it cannot be read statically
   * (a `follows`, an unknown URL, a channel lookup).
   */
  source?: FlakeRef;
  /** Where a finding about this pin points: the URL, branch or `original.ref` as written. */
  span: Span;
  /** `flake input nixpkgs`, `flake.lock node home-manager/nixpkgs`, `niv entry nixpkgs`, `fetchTarball`. */
  label: string;
  origin: PinOrigin;
  model: FileModel;
}

