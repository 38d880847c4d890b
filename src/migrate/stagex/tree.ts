import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { PackageSource } from './assemble.js';
import { scrapeContainerfile } from './containerfile.js';
import { parseDigests, type DigestEntry } from './digests.js';
import { parsePackageToml } from './package-toml.js';
import { STAGEX_STAGES, type StagexStage } from './types.js';

export interface ReleaseTree {
  packages: PackageSource[];
  digests: DigestEntry[];
  /** Stages whose digests/<stage>.txt is absent (reported once, not per image). */
  digestlessStages: Set<StagexStage>;
}

/**
 * Reads a stagex checkout or release tree: packages/<stage>/<name>/{package.toml,Containerfile}
 * and digests/<stage>.txt. Directories stagex's tooling would not build (no package.toml,
 * no Containerfile, an unknown stage) are skipped with a warning.
 */
export async function readReleaseTree(root: string, warnings: string[]): Promise<ReleaseTree> {
  const packagesDir = path.join(root, 'packages');
  const digestsDir = path.join(root, 'digests');
  for (const dir of [packagesDir, digestsDir]) {
    const st = await fs.stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) throw new UserError(`not a stagex release tree: ${path.basename(dir)}/ is missing`, undefined, root);
  }
  const packages: PackageSource[] = [];
  for (const stage of (await fs.readdir(packagesDir)).sort()) {
    const stageDir = path.join(packagesDir, stage);
    if (!(await isDir(stageDir))) continue;
    if (!(STAGEX_STAGES as readonly string[]).includes(stage)) {
      warnings.push(`${stageDir}: not a stagex stage (${STAGEX_STAGES.join(', ')}); skipped`);
      continue;
    }
    const names = (await fs.readdir(stageDir)).sort();
    const read = await Promise.all(names.map((name) => readPackageDir(root, stage as StagexStage, name, warnings)));
    for (const p of read) if (p) packages.push(p);
  }
  const digests: DigestEntry[] = [];
  const digestlessStages = new Set<StagexStage>();
  for (const stage of STAGEX_STAGES) {
    const file = path.join(digestsDir, `${stage}.txt`);
    const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new UserError(`cannot read: ${err.code ?? err.message}`, undefined, file);
    });
    if (text === undefined) {
      warnings.push(`${file}: missing; the ${stage} images have no digests`);
      digestlessStages.add(stage);
      continue;
    }
    digests.push(...parseDigests(text, stage, file));
  }
  return { packages, digests, digestlessStages };
}

async function readPackageDir(root: string, stage: StagexStage, name: string, warnings: string[]): Promise<PackageSource | undefined> {
  const packageDir = `packages/${stage}/${name}`;
  const dir = path.join(root, packageDir);
  if (!(await isDir(dir))) return undefined;
  const tomlFile = path.join(dir, 'package.toml');
  const containerfile = path.join(dir, 'Containerfile');
  const [tomlText, cfText] = await Promise.all([readIfExists(tomlFile), readIfExists(containerfile)]);
  if (tomlText === undefined || cfText === undefined) {
    // stagex's targets.py builds nothing from such a directory (work in progress upstream).
    warnings.push(`${dir}: no ${tomlText === undefined ? 'package.toml' : 'Containerfile'}; stagex publishes no image from it, skipped`);
    return undefined;
  }
  return { stage, dirName: name, packageDir, tomlFile, containerfile, toml: parsePackageToml(tomlText, tomlFile), scraped: scrapeContainerfile(cfText) };
}

async function isDir(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, undefined, file);
  }
}
