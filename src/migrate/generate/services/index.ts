/**
 * Service instances for a host: the four services with a config renderer
 * (openssh, redis, postgresql, caddy), and a generic instance for every other
 * service, whose options are all listed as not rendered.
 */
import { portsOf, type ServiceUse } from '../../../model/services.js';
import { bool, OptionReader } from './options.js';
import { renderCaddy } from './caddy.js';
import { renderOpenssh } from './openssh.js';
import { renderPostgresql } from './postgresql.js';
import { renderRedis } from './redis.js';
import { STAGEX_USER, type RenderContext, type ServiceInstance, type ServiceRenderer } from './types.js';

export type { RenderedConfig, ServiceInstance, ServicePort } from './types.js';
export type { Unrendered } from './options.js';

const RENDERERS: Record<string, ServiceRenderer> = {
  openssh: renderOpenssh,
  redis: renderRedis,
  postgresql: renderPostgresql,
  caddy: renderCaddy,
};

export function hasRenderer(service: string): boolean {
  return Object.prototype.hasOwnProperty.call(RENDERERS, service);
}

export function renderService(svc: ServiceUse, ctx: RenderContext): ServiceInstance[] {
  const render = Object.prototype.hasOwnProperty.call(RENDERERS, svc.name) ? RENDERERS[svc.name]! : renderGeneric;
  return render(svc, ctx);
}

/** No renderer: ports from `port`/`ports`/`listenPort` options; every option is listed as not rendered. */
function renderGeneric(svc: ServiceUse): ServiceInstance[] {
  const r = new OptionReader(svc.options, `services.${svc.name}`);
  r.take(['enable']);
  const openFirewall = bool(r.take(['openFirewall'])) ?? false;
  const ports = new Set<number>();
  for (const o of svc.options) if (/^(port|ports|listenPort)$/.test(o.path[o.path.length - 1] ?? '')) for (const p of portsOf(o.value)) ports.add(p);
  return [
    {
      id: svc.name.replace(/[^A-Za-z0-9_.-]/g, '-'),
      service: svc.name,
      configFiles: [],
      ports: [...ports].sort((a, b) => a - b).map((port) => ({ port, proto: 'tcp' as const, openFirewall })),
      user: STAGEX_USER,
      entrypoint: [],
      notes: [],
      unrendered: r.finish('no config renderer for this service: write its configuration by hand'),
    },
  ];
}
