import { parse, TomlError } from 'smol-toml';
import { UserError } from '../../core/errors.js';
import { tomlLocator } from '../../syntax/toml-locate.js';

/** The [package] table of a stagex package.toml (see the release's package.toml.5). */
export interface PackageToml {
  name: string;
  version?: string;
  /** `<stage>-<name>` of the image whose version this package takes. */
  versionFrom?: string;
  subpackages: string[];
  description?: string;
  license?: string;
  website?: string;
}

/** Characters stagex uses in package and subpackage names (image names are lower case). */
export const STAGEX_NAME = /^[a-z0-9][a-z0-9._+-]*$/;

/**
 * Parses one package.toml. A file that is not TOML, or whose [package] table lacks
 * a usable name, is a UserError naming file and line: the index must not be built
 * from a package we could not read.
 */
export function parsePackageToml(text: string, file: string): PackageToml {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw new UserError(`package.toml does not parse: ${err.message.split('\n')[0]}`, undefined, file, err.line);
    throw err;
  }
  const pkg = doc.package;
  const fail = (message: string, key?: string): never => {
    throw new UserError(message, undefined, file, tomlLocator(text)(key ? ['package', key] : ['package']));
  };
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return fail('package.toml has no [package] table');
  const table = pkg as Record<string, unknown>;
  const optionalString = (key: string): string | undefined => {
    const v = table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return fail(`[package] ${key} must be a string`, key);
    return v;
  };
  const name = optionalString('name');
  if (!name || !STAGEX_NAME.test(name)) return fail(`[package] name must be a lower-case package name (got ${JSON.stringify(table.name ?? null)})`, 'name');
  const versionFrom = optionalString('version_from');
  if (versionFrom !== undefined && !/^[a-z]+-[a-z0-9][a-z0-9._+-]*$/.test(versionFrom)) fail(`[package] version_from must be "<stage>-<name>" (got "${versionFrom}")`, 'version_from');
  const subs = table.subpackages ?? [];
  if (!Array.isArray(subs) || !subs.every((s) => typeof s === 'string' && STAGEX_NAME.test(s))) {
    fail('[package] subpackages must be a list of lower-case package names', 'subpackages');
  }
  return {
    name,
    version: optionalString('version'),
    versionFrom,
    subpackages: [...new Set(subs as string[])],
    description: optionalString('description'),
    license: optionalString('license'),
    website: optionalString('website'),
  };
}
