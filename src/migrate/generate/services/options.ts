/**
 * Reading one service's options for a config renderer, keeping count of what it
 * used: everything a renderer does not take is reported as not rendered, so no
 * setting is ever dropped silently.
 */
import type { ServiceOption } from '../../../model/services.js';
import type { StaticValue, Wrapper } from '../../../model/types.js';

export interface Unrendered {
  /** The NixOS option, `services.redis.servers.cache.requirePass`. */
  option: string;
  why: string;
  /** `file:line` */
  where: string;
}

function priority(wrappers: Wrapper[]): number {
  if (wrappers.includes('mkForce')) return 50;
  if (wrappers.includes('mkDefault')) return 1000;
  return 100;
}

export function whereOf(o: ServiceOption): string {
  return `${o.file}:${o.span.startLine}`;
}

export class OptionReader {
  private readonly used = new Set<ServiceOption>();
  readonly unrendered: Unrendered[] = [];

  /**
   * @param options the service's options, paths relative to `services.<name>`
   * @param optionPrefix the option's full name up to the service, for messages (`services.openssh`)
   */
  constructor(
    private readonly options: readonly ServiceOption[],
    readonly optionPrefix: string,
  ) {}

  /** The winning write of the option at `path` (module priorities; the last of equals), marked used. */
  take(path: string[]): StaticValue | undefined {
    const writes = this.options.filter((o) => samePath(o.path, path));
    for (const w of writes) this.used.add(w);
    if (writes.length === 0) return undefined;
    const best = Math.min(...writes.map((w) => priority(w.wrappers)));
    return writes.filter((w) => priority(w.wrappers) === best).pop()!.value;
  }

  /** Every option below `prefix` (leaves), as [rest of path, value], marked used; later writes of a key win. */
  takeTree(prefix: string[]): [string[], StaticValue, ServiceOption][] {
    const out = new Map<string, [string[], StaticValue, ServiceOption]>();
    for (const o of this.options) {
      if (o.path.length <= prefix.length || !prefix.every((p, i) => o.path[i] === p)) continue;
      this.used.add(o);
      const rest = o.path.slice(prefix.length);
      const key = rest.join('\u0000');
      const prev = out.get(key);
      if (!prev || priority(o.wrappers) <= priority(prev[2].wrappers)) out.set(key, [rest, o.value, o]);
    }
    return [...out.values()];
  }

  /** Reports an option the renderer read but could not turn into config (a secret, an unknown value). */
  report(path: string[], why: string): void {
    const writes = this.options.filter((o) => samePath(o.path, path));
    for (const w of writes) {
      this.used.add(w);
      this.unrendered.push({ option: this.name(w.path), why, where: whereOf(w) });
    }
  }

  /** Reports one write by its option. */
  reportOption(o: ServiceOption, why: string): void {
    this.used.add(o);
    this.unrendered.push({ option: this.name(o.path), why, where: whereOf(o) });
  }

  /** Every option not taken, each reported with `why`; call once at the end. */
  finish(why: string): Unrendered[] {
    for (const o of this.options) if (!this.used.has(o)) this.unrendered.push({ option: this.name(o.path), why, where: whereOf(o) });
    return this.unrendered;
  }

  name(path: string[]): string {
    return [this.optionPrefix, ...path.map((p) => (/^[A-Za-z_][\w'-]*$/.test(p) ? p : JSON.stringify(p)))].join('.');
  }
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function str(v: StaticValue | undefined): string | undefined {
  return v?.kind === 'string' ? v.value : undefined;
}

export function int(v: StaticValue | undefined): number | undefined {
  return v?.kind === 'int' ? v.value : undefined;
}

export function bool(v: StaticValue | undefined): boolean | undefined {
  return v?.kind === 'bool' ? v.value : undefined;
}

/** Strings of a list (all items must be strings), else undefined. */
export function strings(v: StaticValue | undefined): string[] | undefined {
  if (v?.kind !== 'list') return undefined;
  const out = v.items.map(str);
  return out.every((s): s is string => s !== undefined) ? out : undefined;
}

/** A value known completely (no `unknown` anywhere inside)? */
export function isStatic(v: StaticValue): boolean {
  if (v.kind === 'unknown') return false;
  if (v.kind === 'list') return v.items.every(isStatic);
  if (v.kind === 'attrs') return [...v.entries.values()].every(isStatic);
  return true;
}

/** A key or value that fits on one line of a config file (no line break or other control character). */
export function oneLine(s: string): boolean {
  return !/[\u0000-\u001f\u007f\u2028\u2029]/.test(s);
}

/** A config key as sshd, redis and postgres write them. */
export function configKey(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s);
}

export const NOT_ONE_LINE = 'the key or value has a line break or control character, which would change the meaning of the config file';
export const NOT_STATIC = 'the value is not static (computed from other options or variables)';
export const SECRET = 'a secret: it must not be baked into an image; pass it at run time (a mounted file or an environment variable)';
