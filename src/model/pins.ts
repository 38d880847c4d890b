/**
 * Every pin of a scanned configuration, one record each, read from the model (no
 * evaluation, no network): flake inputs, flake.lock nodes (root and transitive),
 * fetcher calls, niv/npins entries and `<channel>` lookups. The one enumerator: the pin
 * rules judge these records, `pins` lists them and `pin` rewrites them.
 */
import { FULL_COMMIT_ID } from '../core/commit-id.js';
import { githubOf, inputRef, lockOriginal, parseFlakeUrl, type FlakeRef } from './flake-ref.js';
import type { Pin, PinKind } from './pin-types.js';
import type { ConfigModel, FetchCall, FileModel, LockNode, SourcesEntry, StaticValue } from './types.js';

/** The trailing comment the rewriters leave so a pinned commit still names its branch. */
export const BRANCH_COMMENT = /#\s*branch:\s*([A-Za-z0-9._/-]+)/;
/** …or the tag it was resolved from (fetchFromGitHub `tag = "…"` rewritten to `rev`). */
export const TAG_COMMENT = /#\s*tag:\s*([A-Za-z0-9._/+-]+)/;

export function listPins(model: ConfigModel): Pin[] {
  const pins = model.files.flatMap(pinsOfFile);
  for (const p of pins) {
    if (p.kind === 'flake-lock' && !p.ref) {
      // A lock node pinned to a rev keeps its branch only in the flake.nix comment: borrow it.
      const ref = partnerOf(p, pins)?.ref;
      if (ref) p.ref = ref;
    } else if (p.kind === 'flake-input' && p.state === 'mutable') {
      // An input that follows a branch is still pinned when flake.lock beside it has its narHash.
      const lock = partnerOf(p, pins);
      if (lock && lock.state === 'immutable' && lock.hash) {
        p.mutable = false;
        p.state = 'locked';
        p.lockedBy = lock.file;
      }
    }
  }
  return pins;
}

/** The flake.nix input and the direct flake.lock node of the same name in the same flake. */
export function partnerOf(p: Pin, pins: Pin[]): Pin | undefined {
  if (p.origin.type === 'flake-input') {
    const lockFile = p.model.flakeLockFile;
    return pins.find((q) => q.origin.type === 'flake-lock' && q.file === lockFile && q.origin.node.direct && q.origin.node.inputPath.join('/') === p.name);
  }
  if (p.origin.type === 'flake-lock' && p.origin.node.direct) {
    const nixFile = p.model.flakeNixFile;
    return pins.find((q) => q.origin.type === 'flake-input' && q.file === nixFile && q.name === p.name);
  }
  return undefined;
}

/** The pins written in one file, in source order by kind (inputs, lock nodes, fetchers, sources entries, channels). */
export function pinsOfFile(f: FileModel): Pin[] {
  const pins: Pin[] = [];
  for (const input of f.flakeInputs ?? []) pins.push(flakeInputPin(f, input));
  for (const node of f.lockNodes ?? []) {
    if (node.inputPath.length === 0 && !node.locked) continue; // the root node pins nothing
    pins.push(lockNodePin(f, node));
  }
  for (const call of f.fetches) pins.push(fetchPin(f, call));
  for (const entry of f.sources ?? []) pins.push(sourcesPin(f, entry));
  for (const lookup of f.channels) {
    pins.push({
      kind: 'channel',
      name: lookup.name,
      transitive: false,
      file: f.file,
      line: lookup.span.startLine,
      ref: lookup.name,
      mutable: true,
      state: 'mutable',
      span: lookup.span,
      label: `<${lookup.name}>`,
      origin: { type: 'channel', lookup },
      model: f,
    });
  }
  return pins;
}

/** The full commit id a reference is fixed to, if any. */
function fullRev(r: FlakeRef | undefined): string | undefined {
  return r?.rev && FULL_COMMIT_ID.test(r.rev) ? r.rev : undefined;
}

function str(v: StaticValue | undefined): string | undefined {
  return v?.kind === 'string' ? v.value : undefined;
}

/** A `# branch: X` comment on the given line. */
export function branchComment(f: FileModel, line: number): string | undefined {
  return commentMatch(f, line, BRANCH_COMMENT);
}

/** A `# tag: X` comment on the given line. */
export function tagComment(f: FileModel, line: number): string | undefined {
  return commentMatch(f, line, TAG_COMMENT);
}

function commentMatch(f: FileModel, line: number, re: RegExp): string | undefined {
  for (const c of f.comments) if (c.line === line) return re.exec(c.text)?.[1];
  return undefined;
}

function flakeInputPin(f: FileModel, input: FileModel['flakeInputs'] & object extends (infer T)[] ? T : never): Pin {
  const url = str(input.url);
  const parsed = url !== undefined ? parseFlakeUrl(url) : undefined;
  const attr = (k: string) => str(input.attrs.get(k));
  const github = (parsed && githubOf(parsed)) ?? (attr('type') === 'github' && attr('owner') && attr('repo') ? { owner: attr('owner')!, repo: attr('repo')! } : undefined);
  const rev = fullRev(parsed) ?? (attr('rev') && FULL_COMMIT_ID.test(attr('rev')!) ? attr('rev') : undefined);
  const line = input.url?.span.startLine ?? input.span.startLine;
  // The comment sits after `url = "…";`, or after `rev = "…";` in the attribute form.
  const ref = parsed?.ref ?? attr('ref') ?? branchComment(f, input.url?.span.endLine ?? input.attrs.get('rev')?.span.endLine ?? line);
  const hash = attr('narHash');
  const source = inputRef(input);
  return {
    kind: 'flake-input',
    name: input.name,
    transitive: false,
    file: f.file,
    line,
    ...(github ? { github } : {}),
    ...(url ? { url } : {}),
    ...(ref ? { ref } : {}),
    ...(rev ? { rev } : {}),
    ...(hash ? { hash } : {}),
    // `follows` points at another input: it pins nothing of its own.
    mutable: input.follows === undefined && !rev && !hash,
    state: input.follows === undefined && !rev && !hash ? 'mutable' : 'immutable',
    ...(source ? { source } : {}),
    span: input.url?.span ?? input.span,
    label: `flake input ${input.name}`,
    origin: { type: 'flake-input', input },
    model: f,
  };
}

export function lockLabel(node: LockNode): string {
  return `flake.lock node ${node.inputPath.length ? node.inputPath.join('/') : node.id}`;
}

function lockNodePin(f: FileModel, node: LockNode): Pin {
  const l = (k: string) => (node.locked?.get(k) !== undefined ? String(node.locked.get(k)) : undefined);
  const o = (k: string) => (node.original?.get(k) !== undefined ? String(node.original.get(k)) : undefined);
  const url = l('url');
  const github = l('type') === 'github' && l('owner') && l('repo') ? { owner: l('owner')!, repo: l('repo')! } : url ? githubOf(parseFlakeUrl(url)) : undefined;
  const rev = l('rev');
  const hash = l('narHash');
  const ref = o('ref') ?? l('ref');
  const lastModified = typeof node.locked?.get('lastModified') === 'number' ? (node.locked.get('lastModified') as number) : undefined;
  const source = lockOriginal(node);
  return {
    kind: 'flake-lock',
    name: node.inputPath.join('/') || node.id,
    transitive: !node.direct,
    file: f.file,
    line: node.span.startLine,
    ...(github ? { github } : {}),
    ...(url ? { url } : {}),
    ...(ref ? { ref } : {}),
    ...(rev ? { rev } : {}),
    ...(hash ? { hash } : {}),
    mutable: !(rev && FULL_COMMIT_ID.test(rev)) && !hash,
    state: !(rev && FULL_COMMIT_ID.test(rev)) && !hash ? 'mutable' : 'immutable',
    ...(lastModified !== undefined ? { lastModified } : {}),
    ...(source ? { source } : {}),
    span: node.originalSpans.get('ref') ?? node.originalSpans.get('url') ?? node.span,
    label: lockLabel(node),
    origin: { type: 'flake-lock', node },
    model: f,
  };
}

function fetchPin(f: FileModel, call: FetchCall): Pin {
  const a = (k: string) => str(call.args.get(k));
  const url = a('url');
  const parsed = url !== undefined ? parseFlakeUrl(url) : undefined;
  const github = call.fetcher === 'fetchFromGitHub' && a('owner') && a('repo') ? { owner: a('owner')!, repo: a('repo')! } : parsed && githubOf(parsed);
  const revArg = a('rev');
  const rev = revArg && FULL_COMMIT_ID.test(revArg) ? revArg : fullRev(parsed);
  const hash = a('hash') ?? a('sha256') ?? a('narHash') ?? a('outputHash');
  const revLine = call.args.get('rev')?.span.endLine ?? call.args.get('url')?.span.endLine;
  const tag = a('tag') ?? (call.fetcher === 'fetchFromGitHub' && rev && revLine ? tagComment(f, revLine) : undefined);
  const ref = (revArg && !FULL_COMMIT_ID.test(revArg) ? revArg : undefined) ?? a('ref') ?? tag ?? parsed?.ref ?? (revLine ? branchComment(f, revLine) : undefined);
  const urlValue = call.args.get('url');
  // `fetchTarball args` with args from a function parameter: nothing to read, so nothing to judge.
  const readable = !!(url || github || rev || hash || ref || call.args.has('urls'));
  return {
    kind: call.fetcher as PinKind,
    name: github ? `${github.owner}/${github.repo}` : call.callee,
    transitive: false,
    file: f.file,
    line: call.span.startLine,
    ...(github ? { github } : {}),
    ...(url ? { url } : {}),
    ...(ref ? { ref: ref.replace(/^refs\/heads\//, '') } : {}),
    ...(tag ? { tag } : {}),
    ...(rev ? { rev } : {}),
    ...(hash ? { hash } : {}),
    mutable: !rev && !hash,
    state: !readable ? 'unknown' : !rev && !hash ? 'mutable' : 'immutable',
    ...(parsed ? { source: parsed } : {}),
    span: urlValue?.kind === 'string' ? urlValue.span : call.span,
    label: call.callee,
    origin: { type: 'fetch', call },
    model: f,
  };
}

function sourcesPin(f: FileModel, entry: SourcesEntry): Pin {
  const g = (k: string) => {
    const v = entry.fields.get(k);
    return v === null || v === undefined ? undefined : String(v);
  };
  const niv = entry.tool === 'niv';
  const url = g('url');
  const owner = niv ? g('owner') : g('repository.owner');
  const repo = niv ? g('repo') : g('repository.repo');
  const forge = niv ? 'GitHub' : g('repository.type');
  const github = owner && repo && forge === 'GitHub' ? { owner, repo } : url ? githubOf(parseFlakeUrl(url)) : undefined;
  const rev = niv ? g('rev') : g('revision');
  const hash = niv ? g('sha256') : g('hash');
  const ref = g('branch') ?? g('version');
  return {
    kind: entry.tool,
    name: entry.name,
    transitive: false,
    file: f.file,
    line: entry.span.startLine,
    ...(github ? { github } : {}),
    ...(url ? { url } : {}),
    ...(ref ? { ref } : {}),
    ...(rev ? { rev } : {}),
    ...(hash ? { hash } : {}),
    mutable: !(rev && FULL_COMMIT_ID.test(rev)) && !hash,
    state: !(rev && FULL_COMMIT_ID.test(rev)) && !hash ? 'mutable' : 'immutable',
    source: sourcesRef(entry),
    span: entry.fieldSpans.get('branch') ?? entry.span,
    label: `${entry.tool} entry ${entry.name}`,
    origin: { type: 'sources', entry },
    model: f,
  };
}

/** A niv/npins entry as a flake reference. npins names the forge in `repository.type`; its `url` is the archive. */
function sourcesRef(e: SourcesEntry): FlakeRef {
  const f = (k: string): string | undefined => {
    const v = e.fields.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const forge = f('repository.type')?.toLowerCase();
  return {
    type: forge === 'github' || forge === 'gitlab' ? forge : (f('type') ?? forge ?? 'unknown').toLowerCase(),
    ...(f('owner') ?? f('repository.owner') ? { owner: f('owner') ?? f('repository.owner') } : {}),
    ...(f('repo') ?? f('repository.repo') ? { repo: f('repo') ?? f('repository.repo') } : {}),
    ...(f('branch') ? { ref: f('branch') } : {}),
    ...(f('rev') ?? f('revision') ? { rev: f('rev') ?? f('revision') } : {}),
    ...(f('repository.url') ?? f('url') ? { url: f('repository.url') ?? f('url') } : {}),
  };
}

/** `3 days`, `5 months`: how long ago `lastModified` was, for people. */
export function formatAge(lastModified: number, now: Date = new Date()): string {
  const days = Math.floor((now.getTime() / 1000 - lastModified) / 86400);
  if (days < 0) return 'in the future';
  if (days < 1) return 'today';
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  if (days < 730) return `${Math.floor(days / 30)} months`;
  return `${Math.floor(days / 365)} years`;
}

/** The JSON shape of a pin (`nixharden pins --format json`, version 1). */
export function pinToJson(p: Pin, now: Date = new Date()): Record<string, unknown> {
  return {
    kind: p.kind,
    name: p.name,
    transitive: p.transitive,
    file: p.file,
    line: p.line,
    source: p.github ? `${p.github.owner}/${p.github.repo}` : (p.url ?? null),
    url: p.url ?? null,
    ref: p.ref ?? null,
    rev: p.rev ?? null,
    hash: p.hash ?? null,
    mutable: p.mutable,
    state: p.state,
    lockedBy: p.lockedBy ?? null,
    lastModified: p.lastModified ?? null,
    age: p.lastModified !== undefined ? formatAge(p.lastModified, now) : null,
  };
}
