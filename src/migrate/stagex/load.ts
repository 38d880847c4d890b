import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { UserError } from '../../core/errors.js';
import { defaultCacheDir } from '../../sources/cache.js';
import { assembleImages, imagesFromDigests } from './assemble.js';
import { parseDigests, type DigestEntry } from './digests.js';
import { fetchText } from './remote.js';
import { readReleaseTree } from './tree.js';
import { STAGEX_STAGES, type StagexImportOptions, type StagexIndex } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** docs/ at the repository root; the published schema is also the one we validate with (from src/ and dist/). */
export const INDEX_SCHEMA_FILE = path.resolve(here, '..', '..', '..', 'docs', 'stagex-index-schema-v1.json');

/** Where `stagex import` writes and `migrate` looks by default: `<cache dir>/stagex-index.json`. */
export function defaultIndexPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), 'stagex-index.json');
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * Builds an index from a release tree (a directory with packages/ and digests/) or a
 * base URL serving digests/<stage>.txt. Bad input is a UserError naming file and line.
 */
export async function importStagex(source: string, opts: StagexImportOptions = {}): Promise<StagexIndex> {
  const env = opts.env ?? process.env;
  const warnings: string[] = [];
  if (source.startsWith('file://')) source = fileURLToPath(source);
  let images;
  let packageData = true;
  let where: string;
  if (isUrl(source)) {
    where = source.replace(/\/+$/, '');
    const digests: DigestEntry[] = [];
    for (const stage of STAGEX_STAGES) {
      const url = `${where}/digests/${stage}.txt`;
      const text = await fetchText(url, { cacheDir: opts.cacheDir ?? defaultCacheDir(env), retries: opts.retries, retryDelayMs: opts.retryDelayMs, progress: opts.progress });
      digests.push(...parseDigests(text, stage, url));
    }
    images = imagesFromDigests(digests);
    packageData = false;
    warnings.push('digests only (imported from a URL): versions, subpackages and build dependencies are unknown; import a stagex checkout for them');
  } else {
    const st = await fs.stat(source).catch(() => undefined);
    if (!st) throw new UserError('no such file or directory', undefined, source);
    if (!st.isDirectory()) throw new UserError('not a directory: give a stagex release tree or a base URL', undefined, source);
    where = path.resolve(source);
    const tree = await readReleaseTree(source, warnings);
    images = assembleImages(tree.packages, tree.digests, warnings, tree.digestlessStages);
  }
  return {
    version: 1,
    release: opts.release ?? releaseName(where),
    source: where,
    generatedAt: generatedAt(env),
    packageData,
    images,
    warnings,
  };
}

/**
 * What `migrate --stagex SPEC` reads: an index JSON file written by `stagex import`,
 * or (imported on the fly) a release directory or base URL.
 */
export async function loadStagexIndex(spec: string, opts: StagexImportOptions = {}): Promise<StagexIndex> {
  if (isUrl(spec) || spec.startsWith('file://')) return importStagex(spec, opts);
  const st = await fs.stat(spec).catch(() => undefined);
  if (!st) throw new UserError('no stagex index here; run `nixharden stagex import SOURCE` first, or give a release directory or URL', undefined, spec);
  if (st.isDirectory()) return importStagex(spec, opts);
  let data: unknown;
  try {
    data = JSON.parse(await fs.readFile(spec, 'utf8'));
  } catch (err) {
    throw new UserError(`not a stagex index (JSON): ${(err as Error).message.split('\n')[0]}`, undefined, spec);
  }
  return validateStagexIndex(data, spec);
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** Checks a parsed index against docs/stagex-index-schema-v1.json; fails closed with one line. */
export function validateStagexIndex(data: unknown, file: string): StagexIndex {
  if (data && typeof data === 'object' && 'version' in data && data.version !== 1) {
    throw new UserError(`stagex index version ${JSON.stringify(data.version)} is not supported (this nixharden reads version 1)`, undefined, file);
  }
  validator ??= compileIndexSchema();
  if (!validator(data)) {
    const e = validator.errors![0]!;
    throw new UserError(`not a valid stagex index: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`, undefined, file);
  }
  return data as StagexIndex;
}

/** RFC 3339 date-time, the one format the index schema uses (ajv-formats is only a dev dependency). */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

function compileIndexSchema(): ReturnType<Ajv['compile']> {
  const ajv = new Ajv({ strict: true });
  ajv.addFormat('date-time', DATE_TIME);
  return ajv.compile(JSON.parse(readFileSync(INDEX_SCHEMA_FILE, 'utf8')) as object);
}

/** A stagex release is named YYYY.MM.N; take it from the last path or URL segment that looks like one. */
function releaseName(where: string): string | null {
  const m = [...where.matchAll(/(?:^|[/@:_-])v?(\d{4}\.\d{2}\.\d+)(?=$|[/?#])/g)].pop();
  return m ? m[1]! : null;
}

function generatedAt(env: NodeJS.ProcessEnv): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString();
}
