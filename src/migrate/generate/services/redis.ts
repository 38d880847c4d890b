/**
 * `redis.conf` from `services.redis.servers.<name>` (NixOS ≥ 21.11; the older
 * `services.redis.<option>` spelling is read as the server ""), one container
 * per enabled server, with NixOS's defaults written out.
 */
import type { ServiceOption, ServiceUse } from '../../../model/services.js';
import type { StaticValue } from '../../../model/types.js';
import { bool, configKey, int, isStatic, NOT_ONE_LINE, NOT_STATIC, oneLine, OptionReader, SECRET, str } from './options.js';
import { header, STAGEX_USER, type RenderContext, type ServiceInstance } from './types.js';

function redisValue(v: StaticValue): string | undefined {
  switch (v.kind) {
    case 'bool':
      return v.value ? 'yes' : 'no';
    case 'int':
      return String(v.value);
    case 'string':
      return /^[^\s"']+$/.test(v.value) ? v.value : JSON.stringify(v.value);
    case 'list': {
      const items = v.items.map(redisValue);
      return items.every((i) => i !== undefined) ? items.join(' ') : undefined;
    }
    default:
      return undefined;
  }
}

export function renderRedis(svc: ServiceUse, ctx: RenderContext): ServiceInstance[] {
  const legacy = svc.instances.length === 0;
  const names = legacy ? [''] : svc.instances;
  return names.map((name) => {
    const prefix = legacy ? [] : ['servers', name];
    const own: ServiceOption[] = svc.options.filter((o) => prefix.every((p, i) => o.path[i] === p)).map((o) => ({ ...o, path: o.path.slice(prefix.length) }));
    const optionPrefix = legacy ? 'services.redis' : `services.redis.servers.${/^[A-Za-z_][\w-]*$/.test(name) ? name : JSON.stringify(name)}`;
    return renderServer(name, new OptionReader(own, optionPrefix), ctx);
  });
}

function renderServer(name: string, r: OptionReader, ctx: RenderContext): ServiceInstance {
  // The id names files: keep it to one safe path segment whatever the attribute name is.
  const id = name ? `redis-${name.replace(/[^A-Za-z0-9._-]/g, '_')}` : 'redis';
  r.take(['enable']);
  const conf = new Map<string, string>();
  const set = (path: string[], key: string, fallback: string | undefined, render: (v: StaticValue) => string | undefined = redisValue): void => {
    const v = r.take(path);
    if (v === undefined) {
      if (fallback !== undefined) conf.set(key, fallback);
      return;
    }
    const s = isStatic(v) ? render(v) : undefined;
    if (s && !oneLine(s)) r.report(path, NOT_ONE_LINE);
    else if (s === undefined) r.report(path, NOT_STATIC);
    else conf.set(key, s);
  };
  // NixOS: port 6379 for the server named "", 0 (unix socket only) for named ones.
  const portValue = r.take(['port']);
  const port = portValue === undefined ? (name ? 0 : 6379) : int(portValue);
  if (port === undefined) r.report(['port'], NOT_STATIC);
  conf.set('port', String(port ?? 0));
  set(['bind'], 'bind', '127.0.0.1');
  // NixOS's default socket lives in a systemd RuntimeDirectory, which a container does not have.
  set(['unixSocket'], 'unixsocket', undefined);
  set(['unixSocketPerm'], 'unixsocketperm', undefined);
  conf.set('daemonize', 'no');
  conf.set('supervised', 'no');
  conf.set('dir', '/var/lib/redis');
  conf.set('logfile', '""'); // stdout: the container runtime keeps the log (NixOS logs to syslog)
  set(['logLevel'], 'loglevel', 'notice');
  set(['databases'], 'databases', '16');
  set(['maxclients'], 'maxclients', '10000');
  set(['appendOnly'], 'appendonly', 'no');
  set(['appendFsync'], 'appendfsync', 'everysec');
  set(['slowLogLogSlowerThan'], 'slowlog-log-slower-than', '10000');
  set(['slowLogMaxLen'], 'slowlog-max-len', '128');
  const saves: string[] = [];
  const save = r.take(['save']);
  if (save === undefined) saves.push('900 1', '300 10', '60 10000');
  else if (save.kind === 'list' && isStatic(save)) {
    for (const s of save.items) if (s.kind === 'list') saves.push(s.items.map((i) => (i.kind === 'int' ? String(i.value) : '')).join(' '));
  } else r.report(['save'], NOT_STATIC);
  const slaveOf = r.take(['slaveOf']);
  if (slaveOf?.kind === 'attrs' && /^[\w.:-]+$/.test(str(slaveOf.entries.get('ip')) ?? '') && int(slaveOf.entries.get('port'))) conf.set('replicaof', `${str(slaveOf.entries.get('ip'))} ${int(slaveOf.entries.get('port'))}`);
  else if (slaveOf && slaveOf.kind !== 'null') r.report(['slaveOf'], NOT_STATIC);
  for (const secret of [['requirePass'], ['requirePassFile'], ['masterAuth']]) r.report(secret, SECRET);
  for (const [rest, v, o] of r.takeTree(['settings'])) {
    const s = rest.length === 1 && isStatic(v) ? redisValue(v) : undefined;
    if (!configKey(rest.join('.')) || (s && !oneLine(s))) r.reportOption(o, NOT_ONE_LINE);
    else if (s === undefined) r.reportOption(o, NOT_STATIC);
    else conf.set(rest[0]!, s);
  }
  const lines = [...conf].map(([k, v]) => `${k} ${v}`);
  for (const s of saves) lines.push(`save ${s}`);
  const openFirewall = bool(r.take(['openFirewall'])) ?? false;
  r.report(['user'], 'the container runs as stagex core-filesystem\'s "user" account (1000:1000)');
  r.report(['group'], 'the container runs as stagex core-filesystem\'s "user" account (1000:1000)');
  const file = `${id}.conf`;
  return {
    id,
    service: 'redis',
    configFiles: [{ name: file, target: '/etc/redis/redis.conf', content: `${header('redis.conf', r.optionPrefix, ctx)}\n${lines.join('\n')}\n` }],
    ports: port ? [{ port, proto: 'tcp', openFirewall }] : [],
    user: STAGEX_USER,
    entrypoint: ['/usr/bin/redis-server', '/etc/redis/redis.conf'],
    notes: [
      'mount a volume at /var/lib/redis, owned by 1000:1000, for the data',
      ...(conf.get('bind') === '127.0.0.1' ? ['bind 127.0.0.1 (the NixOS default) keeps redis unreachable from outside the container; set bind to listen on the container network'] : []),
      ...(r.unrendered.some((u) => u.why === SECRET) ? ['pass the password at run time, e.g. `redis-server /etc/redis/redis.conf --requirepass "$(cat /run/secrets/redis)"`'] : []),
    ],
    unrendered: r.finish('not translated by nixharden migrate: add it to redis.conf by hand'),
  };
}
