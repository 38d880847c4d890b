import type { ServiceUse } from '../../../model/services.js';
import type { Unrendered } from './options.js';

export interface ServicePort {
  port: number;
  proto: 'tcp' | 'udp';
  /** The service's own `openFirewall` opens it, whatever networking.firewall says. */
  openFirewall: boolean;
}

/** A config file rendered beside the service's Containerfile and copied into the image. */
export interface RenderedConfig {
  /** File name in `services/`: `sshd_config`, `redis-cache.conf`. */
  name: string;
  /** Absolute path in the image. */
  target: string;
  content: string;
}

/** One container to build for a service (redis gives one per enabled server). */
export interface ServiceInstance {
  /** `openssh`, `redis`, `redis-cache`: the name of `services/<id>.Containerfile`. */
  id: string;
  /** The NixOS service: `services.<service>`. */
  service: string;
  configFiles: RenderedConfig[];
  ports: ServicePort[];
  /** `uid:gid` the process runs as. */
  user: string;
  entrypoint: string[];
  /** What the operator provides at run time (host keys, a data volume, a password file). */
  notes: string[];
  /** Options set in the configuration that the rendered files do not carry, each with the reason. */
  unrendered: Unrendered[];
}

export interface RenderContext {
  host: string;
}

export type ServiceRenderer = (svc: ServiceUse, ctx: RenderContext) => ServiceInstance[];

/** The uid:gid of stagex's unprivileged `user` account (core-filesystem's /etc/passwd). */
export const STAGEX_USER = '1000:1000';

export function header(what: string, from: string, ctx: RenderContext, comment = '#'): string {
  return `${comment} ${what} for host ${ctx.host}, rendered by nixharden migrate from ${from}.\n${comment} Options that could not be rendered are listed in MIGRATION.md and plan.json.\n`;
}
