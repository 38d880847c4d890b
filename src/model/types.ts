import type { SourceKind } from '../discover/kind.js';
import type { SkippedFile } from '../discover/index.js';
/**
 * The static configuration model: facts extracted from Nix files, nix.conf,
 * flake.lock and niv/npins sources.json WITHOUT evaluating anything. Every fact
 * carries the span it came from, so rules can point at it and fixes can edit it.
 *
 * This file is the contract between the model builder (src/model/) and the
 * rules (src/rules/). Change it deliberately.
 */
import type { Span } from '../core/span.js';

/** What kind of file a fact came from. */

/**
 * A value as far as it can be known statically. Anything the model cannot
 * resolve (a function call, an interpolation, a variable from outside) is
 * `unknown`: rules must treat it as "can't tell", never as a safe value.
 */
export type StaticValue =
  | { kind: 'string'; value: string; span: Span; /** true for ''indented'' strings */ indented?: boolean }
  | { kind: 'path'; value: string; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'int'; value: number; span: Span }
  | { kind: 'null'; span: Span }
  | { kind: 'list'; items: StaticValue[]; span: Span }
  | { kind: 'attrs'; entries: Map<string, StaticValue>; span: Span }
  | { kind: 'unknown'; span: Span; text: string };

/** Module-system wrappers peeled off to reach a value; kept so rules/fixes can say how it was set. */
export type Wrapper = 'mkForce' | 'mkDefault' | 'mkOverride' | 'mkIf' | 'mkMerge' | 'mkBefore' | 'mkAfter' | 'mkOrder';

/**
 * One attribute assignment, with its attribute path flattened:
 * `nix = { settings.substituters = [ … ]; }` gives path
 * ["nix", "settings", "substituters"]. A leading `config.` of a module's
 * `config = …` section is dropped, so paths read like NixOS option names.
 */
export interface Assignment {
  path: string[];
  value: StaticValue;
  /** The whole binding `a.b = v;` */
  span: Span;
  /** Just the attribute path text `a.b` */
  keySpan: Span;
  wrappers: Wrapper[];
}

/** Where a Nix setting (nix.conf key) was written. */
export type SettingOrigin =
  | 'nix.settings' // NixOS / nix-darwin / home-manager `nix.settings.<key>`
  | 'deprecated-option' // nix.binaryCaches, nix.trustedUsers, nix.useSandbox, …
  | 'extraOptions' // inside a `nix.extraOptions` string
  | 'nixConfig' // flake.nix `nixConfig`
  | 'nix.conf'; // a standalone nix.conf file

/**
 * A Nix setting, normalised to its nix.conf name (`substituters`,
 * `trusted-public-keys`, `require-sigs`, `sandbox`, …). `extra-substituters`
 * keeps its own key with `append: true`; the deprecated option `nix.binaryCaches`
 * becomes key `substituters` with `optionName: 'nix.binaryCaches'`.
 */
export interface Setting {
  key: string;
  /** True for `extra-<key>` spellings, which append rather than replace. */
  append: boolean;
  origin: SettingOrigin;
  /** The option or key as written: `nix.settings.trusted-users`, `nix.trustedUsers`, `extra-substituters`. */
  optionName: string;
  /** For nix.conf-syntax values: whitespace-split words as strings; for Nix values: the StaticValue. */
  value: StaticValue;
  /** The whole `key = value` (binding or nix.conf line). */
  span: Span;
  keySpan: Span;
  wrappers: Wrapper[];
}

/** Names of the fetchers the model recognises, as written after `builtins.`/`pkgs.`/`lib.` is stripped. */
export type FetcherName =
  | 'fetchTarball'
  | 'fetchurl'
  | 'fetchGit'
  | 'fetchTree'
  | 'fetchFromGitHub'
  | 'fetchFromGitLab'
  | 'fetchgit'
  | 'fetchzip'
  /** `builtins.getFlake "github:…"`: fetches (and evaluates) a flake at evaluation time. */
  | 'getFlake';

/** A call to a fetcher, e.g. `builtins.fetchTarball { url = …; sha256 = …; }` or `fetchTarball "https://…"`. */
export interface FetchCall {
  fetcher: FetcherName;
  /** `builtins.fetchTarball`, `pkgs.fetchFromGitHub`, … as written. */
  callee: string;
  /** True for the builtins (evaluated at eval time, outside the sandbox's hash checks). */
  builtin: boolean;
  /** Named arguments; a bare string argument is stored under `url`. */
  args: Map<string, StaticValue>;
  /** The whole call expression. */
  span: Span;
  /** The argument expression (the attrset or the string). */
  argSpan: Span;
}

/** `<nixpkgs>` style lookups in NIX_PATH. */
export interface ChannelLookup {
  name: string;
  span: Span;
}

/** A `flake.nix` input. */
export interface FlakeInput {
  name: string;
  /** `url = "…"` or `inputs.x.url = "…"` or the shorthand `inputs.x = "…"`? (the latter is not valid Nix flake syntax, so only url/attribute forms). */
  url?: StaticValue;
  /** Attribute-set form fields: type, owner, repo, ref, rev, narHash, … */
  attrs: Map<string, StaticValue>;
  /** `inputs.x.follows = "y"` */
  follows?: StaticValue;
  /** `inputs.x.inputs.nixpkgs.follows = "nixpkgs"`: nested input name to follows target. */
  nestedFollows: Map<string, StaticValue>;
  /** `flake = false` */
  isFlake: boolean;
  span: Span;
}

/** A node of `flake.lock` (root-level and transitive). */
export interface LockNode {
  /** The key in `nodes`. */
  id: string;
  /** Input names on the path from root, e.g. ["home-manager", "nixpkgs"]; empty for the root node. */
  inputPath: string[];
  /** True when this node is a direct input of the root node. */
  direct: boolean;
  locked?: Map<string, string | number | boolean>;
  original?: Map<string, string | number | boolean>;
  isFlake: boolean;
  span: Span;
  /** Spans of each `locked.<field>` value, for precise findings and JSON edits. */
  lockedSpans: Map<string, Span>;
  originalSpans: Map<string, Span>;
}

/** An entry of niv's nix/sources.json or npins' npins/sources.json. */
export interface SourcesEntry {
  tool: 'niv' | 'npins';
  name: string;
  fields: Map<string, string | number | boolean | null>;
  fieldSpans: Map<string, Span>;
  span: Span;
}

export interface ImportRef {
  /** Resolved absolute path, when the import is a literal relative path. */
  resolved?: string;
  text: string;
  span: Span;
}

/** A syntax error: Nix itself would reject this file. */
export interface ParseProblem {
  message: string;
  span: Span;
}

/** Everything extracted from one file. */
export interface FileModel {
  /** Path as shown to users (relative to the scan root). */
  file: string;
  /** Absolute path on disk. */
  absPath: string;
  kind: SourceKind;
  text: string;
  assignments: Assignment[];
  settings: Setting[];
  fetches: FetchCall[];
  channels: ChannelLookup[];
  /** Present for flake.nix files. */
  flakeInputs?: FlakeInput[];
  /** Present for flake.lock files. */
  lockNodes?: LockNode[];
  /** Present for sources.json files. */
  sources?: SourcesEntry[];
  imports: ImportRef[];
  parseProblems: ParseProblem[];
  /** Comments with their line, for inline suppressions (`# nixharden: ignore[NH003] why`). */
  comments: { line: number; text: string }[];
  /** For a flake.nix: the `file` of the flake.lock beside it, when that was scanned too. */
  flakeLockFile?: string;
  /** For a flake.lock: the `file` of the flake.nix beside it, when that was scanned too. */
  flakeNixFile?: string;
  /** Set when the file (or directory) could not be read at all; parseProblems says so too. */
  readError?: string;
}

/** The whole scanned configuration: every file, with flake.nix/flake.lock pairs linked. */
export interface ConfigModel {
  root: string;
  files: FileModel[];
  /** Files not read on purpose (outside the roots, too large, encrypted, binary); reports list them. */
  skipped: SkippedFile[];
}
