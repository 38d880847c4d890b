/**
 * `nixharden migrate`: the static model of a configuration, its scan findings
 * and pins, the nixpkgs→stagex mapping and the stagex index → one migration
 * plan per host, written as `<out>/<host>/` all at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { writeTreeAtomic } from '../core/write-tree.js';
import { hostDir } from '../migrate/generate/files.js';
import { parseMaintainers, STAGEX_MAINTAINERS, type StagexMaintainer } from '../migrate/generate/maintainers.js';
import { buildPlan, type ScanFinding } from '../migrate/generate/plan.js';
import type { MigrationPlan, PlanPin } from '../migrate/generate/plan-types.js';
import { loadMapping, resolvePackage, resolveService } from '../migrate/mapping/index.js';
import { defaultIndexPath, loadStagexIndex } from '../migrate/stagex/load.js';
import type { StagexIndex } from '../migrate/stagex/types.js';
import { hostsOf, type Host } from '../model/hosts.js';
import { loadConfigModel } from '../model/load/index.js';
import { packagesOf } from '../model/packages.js';
import type { Pin } from '../model/pin-types.js';
import { listPins } from '../model/pins.js';
import { firewallOf, servicesOf } from '../model/services.js';
import { usersOf } from '../model/users.js';
import { analyzePaths, gitRoot } from './scan.js';

export const DEFAULT_OUT = 'stagex-migration';

export interface MigrateOptions {
  /** `--stagex`: an index file, a release directory or a base URL; default: the imported index, if any. */
  stagex?: string;
  /** `--out` (default ./stagex-migration). */
  out?: string;
  /** `--host`: only this host. */
  host?: string;
  /** `--force`: replace existing host directories. */
  force?: boolean;
  toolVersion: string;
  env?: NodeJS.ProcessEnv;
  /** A registry prefix mirroring docker.io/stagex (library use; the CLI pulls from Docker Hub). */
  mirror?: string;
  /** Signature lookaside (library use; default https://sigs.stagex.tools). */
  lookaside?: string;
}

export interface MigratedHost {
  name: string;
  /** The host's output directory, as given (`stagex-migration/web`). */
  dir: string;
  plan: MigrationPlan;
}

export interface MigrateResult {
  hosts: MigratedHost[];
  /** What `--strict` fails on: unpinned images, unmapped packages and services. */
  strictProblems: string[];
}

/** A host name as a directory name. */
function dirName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '.' || safe === '..' || safe === '' ? `_${safe}` : safe;
}

function pickHosts(all: Host[], wanted: string | undefined): Host[] {
  if (!wanted) return all;
  const found = all.filter((h) => h.name === wanted);
  if (found.length === 0) throw new UserError(`no host named ${JSON.stringify(wanted)}; this configuration has: ${all.map((h) => h.name).join(', ')}`);
  return found;
}

async function loadIndex(opts: MigrateOptions): Promise<{ index?: StagexIndex; spec: string | null }> {
  if (opts.stagex) return { index: await loadStagexIndex(opts.stagex, { env: opts.env ?? process.env }), spec: opts.stagex };
  const fallback = defaultIndexPath(opts.env ?? process.env);
  if (!fs.existsSync(fallback)) return { spec: null };
  return { index: await loadStagexIndex(fallback, { env: opts.env ?? process.env }), spec: fallback };
}

/** The maintainers of the release tree the index came from, else those of the release nixharden knows. */
function maintainers(releaseDir: string | undefined): readonly StagexMaintainer[] {
  const file = releaseDir && !/^[a-z]+:\/\//i.test(releaseDir) && fs.existsSync(path.join(releaseDir, 'MAINTAINERS')) ? path.join(releaseDir, 'MAINTAINERS') : undefined;
  return file ? parseMaintainers(fs.readFileSync(file, 'utf8'), file) : STAGEX_MAINTAINERS;
}

function planPin(p: Pin): PlanPin {
  const source = p.github ? `github:${p.github.owner}/${p.github.repo}` : p.url?.replace(/[?#].*$/, '');
  return {
    kind: p.kind,
    name: p.name,
    where: `${p.file}:${p.line}`,
    mutable: p.mutable,
    ...(p.rev ? { rev: p.rev } : {}),
    ...(p.hash ? { hash: p.hash } : {}),
    ...(source ? { source } : {}),
  };
}

/** The host directory relative to the repository root, as the CI workflows need it. */
function repoRelative(dir: string, repo: string | undefined): string {
  const abs = path.resolve(dir);
  const rel = repo ? path.relative(repo, abs) : '';
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.relative(process.cwd(), abs) || '.').split(path.sep).join('/');
}

export async function migrate(paths: string[], opts: MigrateOptions): Promise<MigrateResult> {
  const scan = await analyzePaths(paths, { defaultProfile: 'regular', toolVersion: opts.toolVersion });
  const model = await loadConfigModel(paths, { root: scan.root });
  const hosts = pickHosts(hostsOf(model), opts.host);
  const { index, spec } = await loadIndex(opts);
  const mapping = loadMapping();
  const signers = maintainers(index?.source);
  const pins = listPins(model);
  const out = opts.out ?? DEFAULT_OUT;
  const repo = gitRoot(paths[0]!);
  const names = new Set<string>();
  const results: MigratedHost[] = [];
  const dirs = [];
  for (const host of hosts) {
    const name = dirName(host.name);
    if (names.has(name)) throw new UserError(`two hosts share the directory name ${name}; pick one with --host`);
    names.add(name);
    const files = new Set(host.files.map((f) => f.file));
    const findings: ScanFinding[] = scan.findings
      .filter((f) => files.has(f.span.file))
      .map((f) => ({ id: f.ruleId, severity: f.severity, file: f.span.file, line: f.span.startLine, message: f.message }));
    const output = buildPlan({
      host: { ...host, name },
      packages: packagesOf(host.files),
      services: servicesOf(host.files),
      firewall: firewallOf(host.files),
      users: usersOf(host.files),
      resolvePackage: (attr) => resolvePackage(attr, mapping, index),
      resolveService: (svc) => resolveService(svc, mapping, index),
      ...(index ? { index } : {}),
      indexSpec: spec,
      findings,
      pins: pins.filter((p) => files.has(p.file)).map(planPin),
      maintainers: signers,
      paths,
      toolVersion: opts.toolVersion,
      outputDir: repoRelative(path.join(out, name), repo),
      ...(opts.mirror ? { mirror: opts.mirror } : {}),
      ...(opts.lookaside ? { lookaside: opts.lookaside } : {}),
    });
    dirs.push(await hostDir(output));
    results.push({ name, dir: path.join(out, name), plan: output.plan });
  }
  await writeTreeAtomic(out, dirs, { force: opts.force });
  return { hosts: results, strictProblems: strictProblems(results) };
}

function strictProblems(hosts: MigratedHost[]): string[] {
  const out: string[] = [];
  for (const { name, plan } of hosts) {
    const unpinned = plan.images.filter((i) => !i.digest).map((i) => i.id);
    if (!plan.stagex.index) out.push(`${name}: no stagex index: every image is unpinned`);
    else if (unpinned.length) out.push(`${name}: unpinned images: ${unpinned.join(', ')}`);
    const pkgs = plan.packages.filter((p) => p.status === 'unmapped');
    if (pkgs.length) out.push(`${name}: unmapped packages: ${pkgs.map((p) => `${p.attr} (${p.reason})`).join(', ')}`);
    const svcs = plan.services.filter((s) => s.status === 'unmapped');
    if (svcs.length) out.push(`${name}: unmapped services: ${svcs.map((s) => `${s.service} (${s.reason})`).join(', ')}`);
  }
  return out;
}
