/**
 * A `Caddyfile` from `services.caddy`: the global options block (`email`,
 * `acmeCA`, `globalConfig`), `extraConfig`, and one site block per
 * `virtualHosts.<name>` with its `serverAliases` and `extraConfig`.
 */
import type { ServiceUse } from '../../../model/services.js';
import { bool, NOT_ONE_LINE, NOT_STATIC, oneLine, OptionReader, str, strings } from './options.js';
import { header, STAGEX_USER, type RenderContext, type ServiceInstance } from './types.js';

function indent(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l.trim() ? `\t${l.replace(/^\s+/, '')}` : ''))
    .join('\n');
}

export function renderCaddy(svc: ServiceUse, ctx: RenderContext): ServiceInstance[] {
  const r = new OptionReader(svc.options, 'services.caddy');
  r.take(['enable']);
  const global: string[] = [];
  const email = r.take(['email']);
  if (str(email) && !oneLine(str(email)!)) r.report(['email'], NOT_ONE_LINE);
  else if (str(email)) global.push(`email ${str(email)}`);
  else if (email && email.kind !== 'null') r.report(['email'], NOT_STATIC);
  const ca = r.take(['acmeCA']);
  if (str(ca) && !oneLine(str(ca)!)) r.report(['acmeCA'], NOT_ONE_LINE);
  else if (str(ca)) global.push(`acme_ca ${str(ca)}`);
  else if (ca && ca.kind !== 'null') r.report(['acmeCA'], NOT_STATIC);
  const globalConfig = r.take(['globalConfig']);
  if (str(globalConfig)) global.push(...str(globalConfig)!.replace(/\n+$/, '').split('\n').map((l) => l.trim()).filter(Boolean));
  else if (globalConfig) r.report(['globalConfig'], NOT_STATIC);

  const blocks: string[] = [];
  if (global.length) blocks.push(`{\n${global.map((l) => `\t${l}`).join('\n')}\n}`);
  const extra = r.take(['extraConfig']);
  if (str(extra)) blocks.push(str(extra)!.replace(/\n+$/, ''));
  else if (extra) r.report(['extraConfig'], NOT_STATIC);

  // virtualHosts.<name>.<option>: group the leaves by site.
  const sites = new Map<string, Map<string, ReturnType<OptionReader['takeTree']>[number]>>();
  for (const leaf of r.takeTree(['virtualHosts'])) {
    const [site, ...rest] = leaf[0];
    if (!site) continue;
    let m = sites.get(site);
    if (!m) sites.set(site, (m = new Map()));
    m.set(rest.join('.'), leaf);
  }
  for (const [site, opts] of sites) {
    if (!/^[^\s{}#]+$/.test(site) || !oneLine(site)) {
      for (const leaf of opts.values()) r.reportOption(leaf[2], NOT_ONE_LINE);
      continue;
    }
    const aliases = opts.get('serverAliases');
    const names = [site, ...(aliases ? (strings(aliases[1]) ?? []).filter((a) => /^[^\s{}#]+$/.test(a) && oneLine(a)) : [])];
    if (aliases && !strings(aliases[1])) r.reportOption(aliases[2], NOT_STATIC);
    const body = opts.get('extraConfig');
    if (body && !str(body[1])) r.reportOption(body[2], NOT_STATIC);
    blocks.push(`${names.join(', ')} {\n${body && str(body[1]) ? indent(str(body[1])!) : ''}\n}`);
    for (const [key, leaf] of opts) {
      if (key === 'serverAliases' || key === 'extraConfig') continue;
      r.reportOption(leaf[2], key === 'useACMEHost' ? 'certificates from security.acme are not migrated: Caddy obtains its own' : 'not translated by nixharden migrate: add it to the Caddyfile by hand');
    }
  }
  r.report(['configFile'], 'a Caddyfile given as a file: copy it into services/Caddyfile by hand');
  r.report(['adapter'], 'the generated file is a Caddyfile; other adapters need their own config');
  const openFirewall = bool(r.take(['openFirewall'])) ?? false;
  return [
    {
      id: 'caddy',
      service: 'caddy',
      configFiles: [{ name: 'Caddyfile', target: '/etc/caddy/Caddyfile', content: `${header('Caddyfile', 'services.caddy', ctx)}\n${blocks.join('\n\n')}\n` }],
      ports: [
        { port: 80, proto: 'tcp', openFirewall },
        { port: 443, proto: 'tcp', openFirewall },
        { port: 443, proto: 'udp', openFirewall },
      ],
      user: STAGEX_USER,
      entrypoint: ['/usr/bin/caddy', 'run', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'],
      notes: ['mount a volume at /home/user/.local/share/caddy, owned by 1000:1000: Caddy keeps its certificates and ACME account there'],
      unrendered: r.finish('not translated by nixharden migrate: add it to the Caddyfile by hand'),
    },
  ];
}
