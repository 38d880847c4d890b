/**
 * Enabled NixOS services and the firewall, read statically: `services.<name>.enable`
 * (with the module system's priorities: `mkForce` beats a plain value beats
 * `mkDefault`), every option set below the service, and
 * `networking.firewall.allowed{TCP,UDP}Port{s,Ranges}`.
 */
import type { Span } from '../core/span.js';
import type { Assignment, FileModel, StaticValue, Wrapper } from './types.js';

/** One option written below a service, its path relative to `services.<name>`. */
export interface ServiceOption {
  path: string[];
  value: StaticValue;
  file: string;
  span: Span;
  wrappers: Wrapper[];
}

export interface ServiceUse {
  /** `openssh`, `redis`; a service enabled only below its top (`services.desktopManager.plasma6.enable`) is `desktopManager.plasma6`. */
  name: string;
  /** `unknown` when `enable` is an expression the model cannot read (`enable = cfg.x;`). */
  enabled: true | 'unknown';
  /** Named instances enabled under `services.<name>.servers.<instance>.enable` (redis). */
  instances: string[];
  /** Every option written below the service (enable flags included), in file order. */
  options: ServiceOption[];
  /** Where it was enabled. */
  file: string;
  span: Span;
}

/** Joins attribute names in map keys; attribute names may hold dots. */
const SEP = '\u0000';

/** The module system's priority of a definition: lower wins. */
function priority(wrappers: Wrapper[]): number {
  if (wrappers.includes('mkForce')) return 50;
  if (wrappers.includes('mkDefault')) return 1000;
  return 100;
}

interface EnableWrite {
  value: boolean | 'unknown';
  prio: number;
  file: string;
  span: Span;
}

/** The winning value of several `enable` writes: the highest priority; true when same-priority writes disagree (Nix would reject those). */
function decide(writes: EnableWrite[]): EnableWrite | undefined {
  if (writes.length === 0) return undefined;
  const best = Math.min(...writes.map((w) => w.prio));
  const top = writes.filter((w) => w.prio === best);
  return top.find((w) => w.value === true) ?? top.find((w) => w.value === 'unknown') ?? top[0];
}

function enableValue(a: Assignment): boolean | 'unknown' {
  return a.value.kind === 'bool' ? a.value.value : 'unknown';
}

/** Enabled (or possibly enabled) services of the files, in order of first appearance. */
export function servicesOf(files: readonly FileModel[]): ServiceUse[] {
  const options = new Map<string, ServiceOption[]>();
  const enables = new Map<string, EnableWrite[]>();
  const nested = new Map<string, Map<string, EnableWrite[]>>();
  const order: string[] = [];
  for (const file of files) {
    if (file.kind !== 'nix') continue;
    for (const a of file.assignments) {
      if (a.path[0] !== 'services' || a.path.length < 2) continue;
      const name = a.path[1]!;
      if (!options.has(name)) {
        options.set(name, []);
        order.push(name);
      }
      const rel = a.path.slice(2);
      options.get(name)!.push({ path: rel, value: a.value, file: file.file, span: a.span, wrappers: a.wrappers });
      if (rel[rel.length - 1] !== 'enable') continue;
      const write: EnableWrite = { value: enableValue(a), prio: priority(a.wrappers), file: file.file, span: a.span };
      if (rel.length === 1) push(enables, name, write);
      else if (rel.length <= 3) {
        let m = nested.get(name);
        if (!m) nested.set(name, (m = new Map()));
        push(m, rel.slice(0, -1).join(SEP), write);
      }
    }
  }
  const out: ServiceUse[] = [];
  for (const name of order) {
    const own = decide(enables.get(name) ?? []);
    const subs = nested.get(name) ?? new Map<string, EnableWrite[]>();
    const isServer = (k: string) => k.startsWith(`servers${SEP}`) && k.split(SEP).length === 2;
    const instances = [...subs].filter(([k, w]) => isServer(k) && decide(w)?.value === true).map(([k]) => k.split(SEP)[1]!);
    const opts = options.get(name)!;
    if (own && own.value !== false) {
      out.push({ name, enabled: own.value === true ? true : 'unknown', instances, options: opts, file: own.file, span: own.span });
      continue;
    }
    if (own?.value === false && instances.length === 0) continue;
    if (instances.length > 0) {
      const first = decide(subs.get(`servers${SEP}${instances[0]}`)!)!;
      out.push({ name, enabled: true, instances, options: opts, file: first.file, span: first.span });
      continue;
    }
    // `services.desktopManager.plasma6.enable` with no `services.desktopManager.enable`: a service of its own.
    for (const [sub, writes] of subs) {
      const w = decide(writes);
      if (!w || w.value === false || isServer(sub)) continue;
      const prefix = sub.split(SEP);
      const subOpts = opts.filter((o) => prefix.every((p, i) => o.path[i] === p)).map((o) => ({ ...o, path: o.path.slice(prefix.length) }));
      out.push({ name: [name, ...prefix].join('.'), enabled: w.value === true ? true : 'unknown', instances: [], options: subOpts, file: w.file, span: w.span });
    }
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A port number or a list of them; anything else gives none. */
export function portsOf(v: StaticValue): number[] {
  if (v.kind === 'int') return validPort(v.value) ? [v.value] : [];
  if (v.kind === 'list') return v.items.flatMap(portsOf);
  return [];
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n < 65536;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface UnreadOption {
  option: string;
  text: string;
  file: string;
  span: Span;
}

export interface Firewall {
  /** `networking.firewall.enable`; NixOS's default is true. */
  enabled: boolean | 'unknown';
  tcp: number[];
  udp: number[];
  tcpRanges: PortRange[];
  udpRanges: PortRange[];
  /** Firewall options the model could not read (a port list computed from other options). */
  unread: UnreadOption[];
}

/** `networking.firewall`: open ports, also per interface (`interfaces.<if>.allowedTCPPorts`). */
export function firewallOf(files: readonly FileModel[]): Firewall {
  const fw: Firewall = { enabled: true, tcp: [], udp: [], tcpRanges: [], udpRanges: [], unread: [] };
  let enableWrites: EnableWrite[] = [];
  for (const file of files) {
    if (file.kind !== 'nix') continue;
    for (const a of file.assignments) {
      const p = a.path;
      if (p[0] !== 'networking' || p[1] !== 'firewall') continue;
      const last = p[p.length - 1]!;
      const iface = p.length === 5 && p[2] === 'interfaces';
      if (p.length === 3 && last === 'enable') {
        enableWrites = [...enableWrites, { value: enableValue(a), prio: priority(a.wrappers), file: file.file, span: a.span }];
        continue;
      }
      if (p.length !== 3 && !iface) continue;
      const option = p.join('.');
      if (last === 'allowedTCPPorts' || last === 'allowedUDPPorts') {
        const known = collectPorts(a.value);
        (last === 'allowedTCPPorts' ? fw.tcp : fw.udp).push(...known.ports);
        if (known.unknown) fw.unread.push({ option, text: known.unknown, file: file.file, span: a.span });
      } else if (last === 'allowedTCPPortRanges' || last === 'allowedUDPPortRanges') {
        const known = collectRanges(a.value);
        (last === 'allowedTCPPortRanges' ? fw.tcpRanges : fw.udpRanges).push(...known.ranges);
        if (known.unknown) fw.unread.push({ option, text: known.unknown, file: file.file, span: a.span });
      }
    }
  }
  const e = decide(enableWrites);
  if (e) fw.enabled = e.value;
  fw.tcp = uniqueSorted(fw.tcp);
  fw.udp = uniqueSorted(fw.udp);
  return fw;
}

function collectPorts(v: StaticValue): { ports: number[]; unknown?: string } {
  if (v.kind === 'list') {
    const ports: number[] = [];
    const unknown: string[] = [];
    for (const i of v.items) {
      if (i.kind === 'int' && validPort(i.value)) ports.push(i.value);
      else unknown.push(i.kind === 'unknown' ? i.text : i.kind);
    }
    return unknown.length ? { ports, unknown: unknown.join(' ') } : { ports };
  }
  return { ports: [], unknown: v.kind === 'unknown' ? v.text : v.kind };
}

function collectRanges(v: StaticValue): { ranges: PortRange[]; unknown?: string } {
  if (v.kind !== 'list') return { ranges: [], unknown: v.kind === 'unknown' ? v.text : v.kind };
  const ranges: PortRange[] = [];
  const unknown: string[] = [];
  for (const i of v.items) {
    const from = i.kind === 'attrs' ? i.entries.get('from') : undefined;
    const to = i.kind === 'attrs' ? i.entries.get('to') : undefined;
    if (from?.kind === 'int' && to?.kind === 'int' && validPort(from.value) && validPort(to.value) && from.value <= to.value) ranges.push({ from: from.value, to: to.value });
    else unknown.push(i.kind === 'unknown' ? i.text : i.kind);
  }
  return unknown.length ? { ranges, unknown: unknown.join(' ') } : { ranges };
}

export function uniqueSorted(ns: number[]): number[] {
  return [...new Set(ns)].sort((a, b) => a - b);
}
