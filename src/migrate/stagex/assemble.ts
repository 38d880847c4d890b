import { UserError } from '../../core/errors.js';
import type { ContainerfileDeps } from './containerfile.js';
import type { DigestEntry } from './digests.js';
import type { PackageToml } from './package-toml.js';
import { STAGEX_STAGES, type StagexImage, type StagexStage } from './types.js';

/** One package directory of a release tree, already parsed. */
export interface PackageSource {
  stage: StagexStage;
  /** Directory name under packages/<stage>/; stagex names the main image after it. */
  dirName: string;
  /** "packages/core/llvm" */
  packageDir: string;
  /** For messages: the package.toml and Containerfile paths as the user gave the tree. */
  tomlFile: string;
  containerfile: string;
  toml: PackageToml;
  scraped: ContainerfileDeps;
}

/**
 * Turns parsed package directories and digest lists into image records, as stagex's
 * targets.py does: a package publishes `<stage>-<dir>`, or, with `subpackages`, one
 * image per subpackage plus `<stage>-<dir>` only when the Containerfile has a bare
 * `AS package` stage. A digest for an image no package publishes is an error; an image
 * without a digest, or an unresolvable version, is a warning.
 */
export function assembleImages(packages: PackageSource[], digests: DigestEntry[], warnings: string[], digestlessStages: ReadonlySet<StagexStage> = new Set()): StagexImage[] {
  const byId = new Map<string, { image: StagexImage; source: PackageSource }>();
  for (const pkg of packages) {
    if (pkg.toml.name !== pkg.dirName) warnings.push(`${pkg.tomlFile}: [package] name "${pkg.toml.name}" differs from its directory; the image is named after the directory, as stagex does`);
    for (const p of pkg.scraped.problems) warnings.push(`${pkg.containerfile}:${p.line}: ${p.message}`);
    const names = publishedNames(pkg);
    const ids = names.map((n) => `${pkg.stage}-${n}`);
    for (const [i, name] of names.entries()) {
      const id = ids[i]!;
      const prev = byId.get(id);
      if (prev) throw new UserError(`${id} is also published by ${prev.source.tomlFile}`, undefined, pkg.tomlFile);
      const image: StagexImage = {
        id,
        stage: pkg.stage,
        name,
        image: `stagex/${id}`,
        version: pkg.toml.version ?? null,
        digest: null,
        packageDir: pkg.packageDir,
        package: pkg.dirName,
        subpackages: name === pkg.dirName && names.length > 1 ? ids.filter((x) => x !== id) : [],
        buildDeps: [...pkg.scraped.deps],
        ...(pkg.toml.description ? { description: pkg.toml.description } : {}),
        ...(pkg.toml.license ? { license: pkg.toml.license } : {}),
        ...(pkg.toml.website ? { website: pkg.toml.website } : {}),
      };
      byId.set(id, { image, source: pkg });
    }
  }
  resolveVersions(byId, warnings);
  for (const d of digests) {
    const entry = byId.get(d.id);
    if (!entry) throw new UserError(`digest for ${d.id}, which no package publishes`, undefined, d.file, d.line);
    entry.image.digest = d.digest;
  }
  for (const { image, source } of byId.values()) {
    if (image.digest === null && !digestlessStages.has(image.stage)) warnings.push(`${image.id}: no digest in digests/${image.stage}.txt (published by ${source.tomlFile})`);
    for (const dep of image.buildDeps) {
      if (!byId.has(dep)) warnings.push(`${source.containerfile}: build dependency ${dep} is not an image of this release`);
    }
  }
  return sortImages([...byId.values()].map((e) => e.image));
}

/** Images from digest lists alone (a URL import): no versions, packages or dependencies. */
export function imagesFromDigests(digests: DigestEntry[]): StagexImage[] {
  return sortImages(
    digests.map((d) => {
      const [stage, name] = splitId(d.id);
      return { id: d.id, stage, name, image: `stagex/${d.id}`, version: null, digest: d.digest, packageDir: '', package: name, subpackages: [], buildDeps: [] };
    }),
  );
}

function publishedNames(pkg: PackageSource): string[] {
  const subs = pkg.toml.subpackages;
  if (subs.length === 0) return [pkg.dirName];
  return [...new Set([...(pkg.scraped.hasPackageStage ? [pkg.dirName] : []), ...subs])];
}

/** version_from names an image id; follow it (through chains) to a declared version. */
function resolveVersions(byId: Map<string, { image: StagexImage; source: PackageSource }>, warnings: string[]): void {
  const resolve = (id: string, seen: Set<string>): string | null => {
    const entry = byId.get(id);
    if (!entry) return null;
    if (entry.source.toml.version !== undefined) return entry.source.toml.version;
    const from = entry.source.toml.versionFrom;
    if (!from || seen.has(from)) return null;
    return resolve(from, new Set([...seen, id]));
  };
  const reported = new Set<PackageSource>();
  for (const { image, source } of byId.values()) {
    if (source.toml.version !== undefined) continue;
    image.version = resolve(image.id, new Set());
    if (image.version === null && !reported.has(source)) {
      reported.add(source);
      const from = source.toml.versionFrom;
      warnings.push(from ? `${source.tomlFile}: version_from "${from}" does not lead to a version` : `${source.tomlFile}: neither version nor version_from is set`);
    }
  }
}

export function splitId(id: string): [StagexStage, string] {
  const dash = id.indexOf('-');
  return [id.slice(0, dash) as StagexStage, id.slice(dash + 1)];
}

function sortImages(images: StagexImage[]): StagexImage[] {
  const rank = (s: StagexStage) => STAGEX_STAGES.indexOf(s);
  return images.sort((a, b) => rank(a.stage) - rank(b.stage) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
