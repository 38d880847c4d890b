/**
 * One host's migration plan, from the static model of its files, the
 * nixpkgs→stagex mapping, the stagex index and the scan's findings and pins.
 * Pure: the app layer gathers the inputs; every generated file is rendered from
 * the result.
 */
import { UserError } from '../../core/errors.js';
import { escapeControl } from '../../core/escape.js';
import type { Host } from '../../model/hosts.js';
import type { PackagesResult } from '../../model/packages.js';
import type { Firewall, ServiceUse } from '../../model/services.js';
import { settingsFor } from '../../model/setting-views.js';
import type { UserAccount } from '../../model/users.js';
import type { HostOutput } from './files.js';
import type { StagexMaintainer } from './maintainers.js';
import type { PackageResolution, ServiceResolution } from '../mapping/index.js';
import type { StagexIndex } from '../stagex/types.js';
import { PLAN_VERSION, type MigrationPlan, type PlanFinding, type PlanImage, type PlanPackage, type PlanPin, type PlanService, type SeverityCounts } from './plan-types.js';
import { DEFAULT_LOOKASIDE, orderImages } from './refs.js';
import { renderService, type ServiceInstance } from './services/index.js';

export interface ScanFinding {
  id: string;
  severity: PlanFinding['severity'];
  file: string;
  line: number;
  message: string;
}

export interface PlanInput {
  host: Host;
  packages: PackagesResult;
  services: ServiceUse[];
  firewall: Firewall;
  users: UserAccount[];
  resolvePackage: (attr: string) => PackageResolution;
  resolveService: (name: string) => ServiceResolution;
  index?: StagexIndex;
  /** `--stagex` as given, or the default index path that was found. */
  indexSpec: string | null;
  findings: ScanFinding[];
  pins: PlanPin[];
  maintainers: readonly StagexMaintainer[];
  /** The paths given to migrate, as given. */
  paths: string[];
  toolVersion: string;
  outputDir: string;
  lookaside?: string;
  mirror?: string;
  threshold?: number;
}

/** Pallets for source builds of packages stagex does not ship, in order of preference. */
const PALLETS = ['pallet-gcc-gnu-busybox', 'pallet-clang-gnu-busybox', 'pallet-gcc'];
const TOP_FINDINGS = 25;
const SEVERITY_ORDER: PlanFinding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];

function where(file: string, line: number): string {
  return `${file}:${line}`;
}

function planPackages(input: PlanInput): PlanPackage[] {
  const byAttr = new Map<string, PlanPackage>();
  for (const use of input.packages.packages) {
    const w = `${where(use.span.file, use.span.startLine)} (${use.option})`;
    const seen = byAttr.get(use.attr);
    if (seen) {
      seen.where.push(w);
      seen.conditional &&= use.conditional;
      continue;
    }
    const r = input.resolvePackage(use.attr);
    const note = [r.note, use.note].filter(Boolean).join('; ');
    byAttr.set(use.attr, {
      attr: use.attr,
      status: r.status,
      images: r.status === 'mapped' ? orderImages(r.images) : [],
      confidence: r.status === 'mapped' ? (r.confidence ?? null) : null,
      reason: r.status === 'unmapped' ? (r.reason ?? 'unknown') : null,
      ...(note ? { note } : {}),
      ...(r.nearest?.length ? { nearest: r.nearest } : {}),
      ...(r.source ? { source: r.source } : {}),
      where: [w],
      conditional: use.conditional,
    });
  }
  return [...byAttr.values()];
}

function isOpen(fw: Firewall, port: number, proto: 'tcp' | 'udp'): boolean {
  if (fw.enabled === false) return true;
  const ports = proto === 'tcp' ? fw.tcp : fw.udp;
  const ranges = proto === 'tcp' ? fw.tcpRanges : fw.udpRanges;
  return ports.includes(port) || ranges.some((r) => port >= r.from && port <= r.to);
}

function planServices(input: PlanInput, configs: HostOutput['configs']): PlanService[] {
  const out: PlanService[] = [];
  for (const svc of input.services) {
    if (svc.enabled !== true) continue;
    const r = input.resolveService(svc.name);
    for (const inst of renderService(svc, { host: input.host.name })) out.push(planService(input, svc, r, inst, configs));
  }
  return out;
}

function planService(input: PlanInput, svc: ServiceUse, r: ServiceResolution, inst: ServiceInstance, configs: HostOutput['configs']): PlanService {
  const mapped = r.status === 'mapped';
  if (mapped) for (const c of inst.configFiles) configs.push({ file: c.name, content: c.content });
  // A service with a config renderer runs the way its rendered files expect; others as the mapping says.
  const rendered = inst.configFiles.length > 0;
  return {
    id: inst.id,
    service: svc.name,
    status: r.status,
    images: mapped ? orderImages(r.images) : [],
    reason: mapped ? null : (r.reason ?? 'unknown'),
    ...(r.note ? { note: r.note } : {}),
    user: rendered ? inst.user : (r.user ?? inst.user),
    entrypoint: rendered ? inst.entrypoint : (r.entrypoint ?? inst.entrypoint),
    ports: inst.ports.map((p) => ({ port: p.port, proto: p.proto, exposed: p.openFirewall || isOpen(input.firewall, p.port, p.proto) })),
    configFiles: mapped ? inst.configFiles.map((c) => ({ file: c.name, target: c.target })) : [],
    notes: inst.notes,
    unrendered: inst.unrendered,
    where: where(svc.file, svc.span.startLine),
  };
}

function planImages(input: PlanInput, ids: string[]): PlanImage[] {
  return orderImages(ids).map((id) => indexImage(input, id));
}

/** Image ids and digests end up in shell scripts and Containerfiles: only well-formed ones pass. */
const IMAGE_ID = /^(bootstrap|core|pallet|user)-[A-Za-z0-9._+-]+$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function indexImage(input: PlanInput, id: string): PlanImage {
  if (!IMAGE_ID.test(id)) throw new UserError(`not a stagex image id: ${JSON.stringify(id)}`);
  const found = input.index?.images.find((i) => i.id === id);
  if (found?.digest && !DIGEST.test(found.digest)) throw new UserError(`the stagex index has a malformed digest for ${id}: ${JSON.stringify(found.digest)}`);
  if (found) return { id, stage: found.stage, image: found.image, version: found.version, digest: found.digest };
  return { id, stage: id.split('-')[0] ?? 'user', image: `stagex/${id}`, version: null, digest: null };
}

function pallet(input: PlanInput): PlanImage {
  const ids = input.index?.images.map((i) => i.id) ?? [];
  const id = PALLETS.find((p) => ids.includes(p)) ?? ids.find((i) => i.startsWith('pallet-')) ?? PALLETS[0]!;
  return indexImage(input, id);
}

function findingSummary(findings: ScanFinding[]): MigrationPlan['findings'] {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const top = [...findings]
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.file.localeCompare(b.file) || a.line - b.line)
    .slice(0, TOP_FINDINGS)
    .map((f) => ({ id: f.id, severity: f.severity, where: where(f.file, f.line), message: escapeControl(f.message) }));
  return { ...counts, total: findings.length, top };
}

/** Caches and keys the host trusts today (NixOS's defaults when the configuration sets none). */
function trustToday(input: PlanInput): MigrationPlan['trustToday'] {
  const substituters: string[] = [];
  const keys: string[] = [];
  for (const f of input.host.files) {
    for (const s of settingsFor(f, 'substituters', 'trusted-substituters')) substituters.push(...s.words.map((w) => w.text));
    for (const s of settingsFor(f, 'trusted-public-keys')) keys.push(...s.words.map((w) => w.text.split(':')[0]!));
  }
  const sources = input.pins.map((p) => p.source).filter((s): s is string => !!s);
  return {
    substituters: [...new Set(['https://cache.nixos.org', ...substituters.map((s) => s.replace(/\/+$/, ''))])],
    keys: [...new Set(['cache.nixos.org-1', ...keys])],
    sources: [...new Set(sources)],
  };
}

export function buildPlan(input: PlanInput): HostOutput {
  const configs: HostOutput['configs'] = [];
  const packages = planPackages(input);
  const services = planServices(input, configs);
  const mapped = packages.filter((p) => p.status === 'mapped');
  const images = planImages(input, [...mapped.flatMap((p) => p.images), ...services.flatMap((s) => s.images)]);
  const warnings = [...input.host.warnings];
  if (!input.index) warnings.unshift('no stagex index: every FROM line is unpinned (run nixharden stagex import, then migrate again)');
  else if (images.some((i) => !i.digest)) warnings.unshift(`the stagex index has no digest for ${images.filter((i) => !i.digest).map((i) => i.id).join(', ')}: those FROM lines are unpinned`);
  for (const u of input.firewall.unread) warnings.push(`${u.option} is not static (${u.file}:${u.span.startLine}): those ports are not exposed`);
  const fw = input.firewall;
  const plan: MigrationPlan = {
    version: PLAN_VERSION,
    tool: { name: 'nixharden', version: input.toolVersion },
    host: input.host.name,
    source: { paths: input.paths, entry: input.host.entry, files: input.host.files.map((f) => f.file) },
    trustToday: trustToday(input),
    stagex: { release: input.index?.release ?? null, index: input.indexSpec, pinned: !!input.index && images.every((i) => !!i.digest) },
    mirror: input.mirror ?? null,
    lookaside: input.lookaside ?? DEFAULT_LOOKASIDE,
    outputDir: input.outputDir,
    packages,
    unreadPackages: input.packages.unread.map((u) => ({ text: u.text, why: u.why, where: `${where(u.span.file, u.span.startLine)} (${u.option})` })),
    services,
    undeterminedServices: input.services.filter((s) => s.enabled === 'unknown').map((s) => ({ service: s.name, where: where(s.file, s.span.startLine) })),
    firewall: {
      enabled: fw.enabled,
      tcp: fw.tcp,
      udp: fw.udp,
      tcpRanges: fw.tcpRanges,
      udpRanges: fw.udpRanges,
      unread: fw.unread.map((u) => ({ option: u.option, text: u.text, where: where(u.file, u.span.startLine) })),
    },
    users: input.users.map((u) => ({ name: u.name, normal: u.normal, system: u.system, uid: u.uid ?? null, groups: u.groups, shell: u.shell ?? null, authorizedKeys: u.authorizedKeys })),
    coverage: { mapped: mapped.length, total: packages.length, percent: packages.length ? Math.round((mapped.length / packages.length) * 1000) / 10 : 100 },
    findings: findingSummary(input.findings),
    pins: { total: input.pins.length, mutable: input.pins.filter((p) => p.mutable).length, immutable: input.pins.filter((p) => !p.mutable).length, items: input.pins },
    images,
    pallet: packages.some((p) => p.reason === 'not-packaged') ? pallet(input) : null,
    signers: input.maintainers.map((m) => ({ id: m.id, name: m.name, fingerprints: m.fingerprints, keyFile: `keys/${m.id}.asc` })),
    threshold: input.threshold ?? 2,
    warnings,
  };
  return { plan, configs };
}
