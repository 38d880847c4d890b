/**
 * The scan pipeline up to the model: discover → read → parse → model, across
 * worker threads. Rules and reports take the ConfigModel from here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from '../../core/worker-pool.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { discover, insideRoots, kindWhenWalking, OUTSIDE_MESSAGE, realPathOrUndefined, toDisplayPath, type DiscoveredFile, type Discovery, type SkippedFile } from '../../discover/index.js';
import { kindOfPath } from '../../discover/kind.js';
import type { ConfigModel, FileModel } from '../types.js';
import { decodeModels } from './model-codec.js';
import { DEFAULT_MAX_FILE_SIZE, processItem, type WorkItem, type WorkResult } from './model-file.js';

export { DEFAULT_MAX_FILE_SIZE };
import type { WorkerReply } from './worker.js';

export interface ScanOptions {
  /** Worker threads to use (default: available parallelism); 1 models everything in this thread. */
  jobs?: number;
  /** Root that file paths are shown relative to (default: the given dir, a given file's dir, or the common ancestor). */
  root?: string;
  /**
   * Parse every .nix file with tree-sitter too, not only those the light parser
   * rejects (see model/nix-file.ts). Slower; for belt-and-braces runs.
   */
  verifySyntax?: boolean;
  /** Use worker threads only from this many files on (default WORKER_THRESHOLD). */
  workerThreshold?: number;
  /** Skip (and report) files larger than this many bytes (default DEFAULT_MAX_FILE_SIZE). */
  maxFileSize?: number;
}


/**
 * Below this many files, starting workers costs more than it saves: measured on
 * 2 cores, a 3,000-file real-world tree scanned in 1.3 s on one thread and 2.3 s
 * with a worker, while 10,000 generated files gained ~10% from one.
 */
const WORKER_THRESHOLD = 5000;
/** Files per batch, sent to a worker or modelled by this thread between two looks at the replies. */
const BATCH = 16;

/** A worker's reply: per item its metadata, and the models in model-codec.ts's compact form. */
function decodeReply(reply: WorkerReply): WorkResult[] {
  const models = decodeModels(reply.models);
  return reply.meta.map((m, k) => {
    const r: WorkResult = { ...m };
    const model = models[k];
    if (model) r.model = model;
    return r;
  });
}

function workerScript(): string | undefined {
  // From dist/scan/index.js the compiled worker sits beside it. Under ts-jest
  // this module is src/scan/index.ts and there is no runnable worker: callers
  // get the in-thread path, which does the same work.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const p = path.join(here, 'worker.js');
  return fs.existsSync(p) ? p : undefined;
}

export interface ModelRunner {
  run(items: WorkItem[]): Promise<WorkResult[]>;
  close(): Promise<void>;
}

function inThread(): ModelRunner {
  return { run: async (items) => items.map(processItem), close: async () => {} };
}

function runnerFor(fileCount: number, jobs: number, threshold: number): ModelRunner {
  const script = workerScript();
  if (!script || jobs <= 1 || fileCount < threshold) return inThread();
  try {
    // This thread works too, so `jobs` threads in all.
    return new WorkerPool<WorkItem, WorkResult, WorkerReply>({
      script,
      workers: Math.min(jobs - 1, Math.ceil(fileCount / BATCH)),
      // A large young generation: a file's syntax tree and tokens die young, and
      // scavenges that run mid-file would promote them.
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
      batchSize: BATCH,
      local: (items) => items.map(processItem),
      decode: decodeReply,
    });
  } catch {
    return inThread();
  }
}

function problemModel(d: DiscoveredFile, message: string, readError: string): FileModel {
  return {
    readError,
    file: d.file,
    absPath: d.absPath,
    kind: d.kind,
    text: '',
    assignments: [],
    settings: [],
    fetches: [],
    channels: [],
    imports: [],
    parseProblems: [{ message, span: { file: d.file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, startOffset: 0, endOffset: 0 } }],
    comments: [],
  };
}

function isUnder(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Files that the scanned Nix files import (`imports = [ ./x.nix ]`, `import ./y`), inside the root, not yet scanned.
 * An import whose real path leaves the scanned roots is never read (it goes to `outside`).
 */
function importedFiles(models: FileModel[], root: string, realRoots: string[], known: Set<string>, outside: SkippedFile[]): DiscoveredFile[] {
  const out: DiscoveredFile[] = [];
  for (const m of models) {
    for (const ref of m.imports) {
      if (!ref.resolved) continue;
      let target = ref.resolved;
      try {
        const st = fs.statSync(target);
        if (st.isDirectory()) {
          target = path.join(target, m.kind === 'nix' ? 'default.nix' : '');
          if (!fs.statSync(target).isFile()) continue;
        } else if (!st.isFile()) continue;
      } catch {
        continue;
      }
      if (known.has(target) || !isUnder(root, target)) continue;
      known.add(target);
      const real = realPathOrUndefined(target);
      if (!real || !insideRoots(realRoots, real)) {
        outside.push({ file: toDisplayPath(root, target), reason: 'outside-roots', message: OUTSIDE_MESSAGE });
        continue;
      }
      const kind = m.kind === 'nix.conf' ? 'nix.conf' : (kindWhenWalking(target) ?? kindOfPath(target) ?? (m.kind === 'nix' ? 'nix' : undefined));
      if (!kind) continue;
      out.push({ absPath: target, file: toDisplayPath(root, target), kind, explicit: false });
    }
  }
  return out;
}

/** Links each flake.nix with the flake.lock beside it, when both were scanned. */
function linkFlakes(files: FileModel[]): void {
  const byPath = new Map(files.map((f) => [f.absPath, f]));
  for (const f of files) {
    if (path.basename(f.absPath) !== 'flake.nix') continue;
    const lock = byPath.get(path.join(path.dirname(f.absPath), 'flake.lock'));
    if (lock) {
      f.flakeLockFile = lock.file;
      lock.flakeNixFile = f.file;
    }
  }
}

/**
 * Scans files and directories into a ConfigModel: discovery, then reading,
 * parsing and modelling (in worker threads for larger trees), then the files
 * that scanned modules import from inside the root. A path that does not
 * exist, or an explicitly named file that cannot be read, is a UserError; a
 * file found while walking that cannot be read becomes a ParseProblem on it.
 */
export async function loadConfigModel(paths: string[], opts: ScanOptions = {}): Promise<ConfigModel> {
  return modelDiscovered(discover(paths, { root: opts.root }), opts);
}

/** The pipeline after discovery: read, parse and model the files (and what they import). */
export async function modelDiscovered(discovery: Discovery, opts: ScanOptions = {}): Promise<ConfigModel> {
  const { root, files } = discovery;
  const realRoots = discovery.realRoots.length ? discovery.realRoots : [root];
  const skipped: SkippedFile[] = [...discovery.skipped];
  const maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const jobs = Math.max(1, opts.jobs ?? os.availableParallelism());
  const runner = runnerFor(files.length, jobs, opts.workerThreshold ?? WORKER_THRESHOLD);
  const all: DiscoveredFile[] = [];
  // A directory we could not list is a read problem on that directory, like an unreadable file.
  const models: FileModel[] = discovery.unreadableDirs.map((u) =>
    problemModel({ absPath: u.absPath, file: u.file, kind: 'nix', explicit: false }, `cannot read directory: ${u.error}`, u.error),
  );
  const known = new Set(files.map((f) => f.absPath));
  try {
    let pending = files;
    while (pending.length) {
      const base = all.length;
      all.push(...pending);
      const items: WorkItem[] = pending.map((d, i) => ({ index: base + i, absPath: d.absPath, file: d.file, kind: d.kind, verifySyntax: opts.verifySyntax, maxFileSize }));
      const results = await runner.run(items);
      const batch: FileModel[] = [];
      for (const r of results) {
        const d = all[r.index]!;
        if (r.readError !== undefined) {
          if (d.explicit) throw new UserError(r.readError === 'no such file or directory' ? r.readError : `cannot read: ${r.readError}`, ExitCode.Usage, d.file);
          batch.push(problemModel(d, `cannot read file: ${r.readError}`, r.readError));
        } else if (r.skipped) skipped.push({ file: d.file, ...r.skipped });
        else if (r.model) batch.push(r.model);
      }
      models.push(...batch);
      pending = importedFiles(batch, root, realRoots, known, skipped);
    }
  } finally {
    await runner.close();
  }
  if (models.length > 0 && models.every((m) => m.readError !== undefined)) {
    // Nothing could be read: a pass here would vouch for files nobody looked at.
    const first = models[0]!;
    throw new UserError(`nothing could be read (${first.readError}${models.length > 1 ? `, and ${models.length - 1} more` : ''})`, ExitCode.Usage, first.file);
  }
  models.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  linkFlakes(models);
  return { root, files: models, skipped };
}
