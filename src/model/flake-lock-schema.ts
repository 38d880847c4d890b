/**
 * JSON Schema (draft-07) of flake.lock versions 5 to 7, as Nix reads them
 * (libflake/lockfile.cc, libfetchers/attrs.cc and the input schemes):
 * - `version` is an integer from 5 to 7, `root` names the root node, `nodes` maps ids to nodes;
 * - an input is a node id (string) or a follows path (array of input names);
 * - `locked` and `original` hold input attributes, each a string, a non-negative
 *   integer or a boolean; `type` picks the input scheme, which requires some
 *   attributes (`owner` and `repo` for github, `url` for git, …) and types others.
 * Attributes Nix added over time (`treeHash`, `lfs`, …) are accepted with any
 * attribute type, so a newer lock is not an error. References between nodes
 * (the root, input ids, follows paths) are checked in flake-lock-check.ts.
 */

const string = { type: 'string' } as const;
const boolean = { type: 'boolean' } as const;
const count = { type: 'integer', minimum: 0 } as const;

/** The latest second a JavaScript Date (and so every report) can show: year 275760. */
export const MAX_LAST_MODIFIED = 8_640_000_000_000;

const attributes = {
  type: { enum: ['github', 'gitlab', 'sourcehut', 'git', 'hg', 'tarball', 'file', 'path', 'indirect'] },
  owner: string,
  repo: string,
  host: string,
  url: string,
  path: string,
  id: string,
  ref: string,
  dir: string,
  name: string,
  // Nix parses it as a SHA-1 (or, in SHA-256 repositories, SHA-256) commit id.
  rev: { type: 'string', pattern: '^([0-9a-f]{40}|[0-9a-f]{64})$' },
  // Input::getNarHash: SRI, SHA-256 only; an empty string stands for "no hash yet".
  narHash: { type: 'string', pattern: '^(sha256-[A-Za-z0-9+/]{43}=)?$' },
  lastModified: { type: 'integer', minimum: 0, maximum: MAX_LAST_MODIFIED },
  revCount: count,
  shallow: boolean,
  submodules: boolean,
  allRefs: boolean,
  exportIgnore: boolean,
  lfs: boolean,
} as const;

/** What each scheme cannot do without (getStrAttr in its inputFromAttrs). */
const requiredByType: Record<string, string[]> = {
  github: ['owner', 'repo'],
  gitlab: ['owner', 'repo'],
  sourcehut: ['owner', 'repo'],
  git: ['url'],
  hg: ['url'],
  tarball: ['url'],
  file: ['url'],
  path: ['path'],
  indirect: ['id'],
};

const inputAttrs = {
  type: 'object',
  required: ['type'],
  properties: attributes,
  // jsonToAttrs: numbers become uint64, anything but a number, string or boolean is refused.
  additionalProperties: { type: ['string', 'integer', 'boolean'], minimum: 0 },
  allOf: Object.entries(requiredByType).map(([type, required]) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: { required },
  })),
} as const;

const node = {
  type: 'object',
  properties: {
    inputs: {
      type: 'object',
      additionalProperties: { type: ['string', 'array'], items: string },
    },
    locked: inputAttrs,
    original: inputAttrs,
    // Version 5 kept lastModified and narHash beside `locked`.
    info: { type: 'object', properties: { lastModified: attributes.lastModified, narHash: attributes.narHash } },
    flake: boolean,
    parent: { type: 'array', items: string },
  },
} as const;

export const flakeLockSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['version', 'root', 'nodes'],
  properties: {
    version: { type: 'integer', minimum: 5, maximum: 7 },
    root: string,
    nodes: { type: 'object', additionalProperties: node },
  },
} as const;
