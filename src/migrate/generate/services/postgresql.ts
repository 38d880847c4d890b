/**
 * `postgresql.conf` and `pg_hba.conf` from `services.postgresql`: `settings`
 * (rendered as NixOS does: yes/no, quoted strings), the older `port` and
 * `enableTCPIP`, and `authentication` before NixOS's default rules.
 */
import type { ServiceUse } from '../../../model/services.js';
import type { StaticValue } from '../../../model/types.js';
import { bool, configKey, int, isStatic, NOT_ONE_LINE, NOT_STATIC, oneLine, OptionReader, str } from './options.js';
import { header, STAGEX_USER, type RenderContext, type ServiceInstance } from './types.js';

const CONF_DIR = '/etc/postgresql';
const DATA_DIR = '/var/lib/postgresql/data';

/** NixOS's pg_hba.conf rules after the configuration's own `authentication`. */
const DEFAULT_HBA = ['local all all peer', 'host  all all 127.0.0.1/32 md5', 'host  all all ::1/128      md5'];

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function pgValue(v: StaticValue): string | undefined {
  switch (v.kind) {
    case 'bool':
      return v.value ? 'yes' : 'no';
    case 'int':
      return String(v.value);
    case 'string':
      return quote(v.value);
    case 'list': {
      // e.g. shared_preload_libraries = [ "pg_stat_statements" "auto_explain" ]
      const items = v.items.map((i) => (i.kind === 'string' ? i.value : i.kind === 'int' ? String(i.value) : undefined));
      return items.every((i) => i !== undefined) ? quote(items.join(',')) : undefined;
    }
    default:
      return undefined;
  }
}

const RUNS_AT_FIRST_START = 'NixOS applies it at service start (systemd postStart); run the equivalent psql commands once against the new server';

export function renderPostgresql(svc: ServiceUse, ctx: RenderContext): ServiceInstance[] {
  const r = new OptionReader(svc.options, 'services.postgresql');
  r.take(['enable']);
  const settings = new Map<string, string>();
  const legacyPort = r.take(['port']);
  if (legacyPort !== undefined) {
    if (int(legacyPort) !== undefined) settings.set('port', String(int(legacyPort)));
    else r.report(['port'], NOT_STATIC);
  }
  const tcp = bool(r.take(['enableTCPIP'])) ?? false;
  settings.set('listen_addresses', quote(tcp ? '*' : 'localhost'));
  for (const [rest, v, o] of r.takeTree(['settings'])) {
    const s = rest.length === 1 && isStatic(v) ? pgValue(v) : undefined;
    if (!configKey(rest.join('.')) || (s && !oneLine(s))) r.reportOption(o, NOT_ONE_LINE);
    else if (s === undefined) r.reportOption(o, NOT_STATIC);
    else settings.set(rest[0]!, s);
  }
  settings.set('hba_file', quote(`${CONF_DIR}/pg_hba.conf`));
  // /run/postgresql is a systemd RuntimeDirectory on NixOS; /tmp exists in every stagex image.
  if (!settings.has('unix_socket_directories')) settings.set('unix_socket_directories', quote('/tmp'));
  if (!settings.has('log_destination')) settings.set('log_destination', quote('stderr'));
  const port = Number(settings.get('port') ?? 5432);

  const hba: string[] = [];
  const auth = r.take(['authentication']);
  if (auth?.kind === 'string') hba.push('# services.postgresql.authentication', auth.value.replace(/\n+$/, ''), '');
  else if (auth) r.report(['authentication'], NOT_STATIC);
  hba.push('# NixOS default rules', ...DEFAULT_HBA);

  const notes = [`mount a volume at ${DATA_DIR}, owned by 1000:1000, and run initdb once (as on NixOS's first start): initdb -D ${DATA_DIR}`];
  const pkg = r.take(['package']);
  if (pkg) {
    const text = pkg.kind === 'unknown' ? pkg.text : str(pkg);
    const major = /postgresql_(\d+)/.exec(text ?? '')?.[1];
    notes.push(`the configuration pins ${text ?? 'a postgresql package'}; stagex ships one postgresql version: ${major ? `moving from ${major} to another major version needs pg_upgrade or a dump and restore` : 'check the major version before moving data'}`);
  }
  r.report(['dataDir'], `the data directory is ${DATA_DIR} in the container; mount the old one there`);
  for (const p of ['ensureDatabases', 'ensureUsers', 'initialScript', 'initdbArgs']) r.report([p], RUNS_AT_FIRST_START);
  r.report(['identMap'], 'pg_ident.conf is not generated: copy the map by hand');
  const pgHba = { name: 'pg_hba.conf', target: `${CONF_DIR}/pg_hba.conf`, content: `${header('pg_hba.conf', 'services.postgresql.authentication', ctx)}\n${hba.join('\n')}\n` };
  const conf = [...settings].map(([k, v]) => `${k} = ${v}`);
  return [
    {
      id: 'postgresql',
      service: 'postgresql',
      configFiles: [
        { name: 'postgresql.conf', target: `${CONF_DIR}/postgresql.conf`, content: `${header('postgresql.conf', 'services.postgresql.settings', ctx)}\n${conf.join('\n')}\n` },
        pgHba,
      ],
      ports: Number.isInteger(port) ? [{ port, proto: 'tcp', openFirewall: false }] : [],
      user: STAGEX_USER,
      entrypoint: ['/usr/bin/postgres', '-D', DATA_DIR, '-c', `config_file=${CONF_DIR}/postgresql.conf`],
      notes: [...notes, ...(tcp ? [] : ["listen_addresses is 'localhost' (enableTCPIP is off): clients in other containers cannot connect"])],
      unrendered: r.finish('not translated by nixharden migrate: add it to postgresql.conf by hand'),
    },
  ];
}
