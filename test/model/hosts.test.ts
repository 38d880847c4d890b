/** Hosts, services, firewall and users read statically from real file trees (fixtures/migrate). */
import path from 'node:path';
import { hostsOf } from '../../src/model/hosts.js';
import { packagesOf } from '../../src/model/packages.js';
import { firewallOf, servicesOf } from '../../src/model/services.js';
import { usersOf } from '../../src/model/users.js';
import { loadConfigModel } from '../../src/model/load/index.js';
import { modelText } from './helpers.js';

const fixture = (name: string) => path.resolve('fixtures', 'migrate', name);

async function hosts(name: string) {
  const model = await loadConfigModel([fixture(name)], { jobs: 1 });
  return hostsOf(model);
}

describe('hostsOf', () => {
  it('gives one host per nixosConfigurations entry, with its modules and their imports', async () => {
    const hs = await hosts('flake-hosts');
    expect(hs.map((h) => [h.name, h.source, h.files.map((f) => f.file).sort()])).toEqual([
      ['web', 'flake', ['flake.nix', 'hosts/web/default.nix', 'modules/common.nix', 'modules/nixos/proxy.nix']],
      ['db', 'flake', ['flake.nix', 'hosts/db/configuration.nix', 'hosts/db/postgres.nix', 'modules/common.nix']],
    ]);
    const [web, db] = hs;
    expect(packagesOf(web!.files).packages.map((p) => p.attr)).toEqual(['git', 'curl']);
    // The inline module `{ services.caddy.enable = true; }` belongs to web only; `inputs.self.nixosModules.proxy` is modules/nixos/proxy.nix.
    expect(servicesOf(web!.files).map((s) => s.name).sort()).toEqual(['caddy', 'nginx', 'openssh']);
    expect(servicesOf(db!.files).map((s) => [s.name, s.instances])).toEqual([
      ['redis', ['cache']],
      ['postgresql', []],
    ]);
    expect(firewallOf(db!.files)).toMatchObject({ enabled: true, tcp: [5432], udp: [], udpRanges: [{ from: 60000, to: 60010 }], unread: [] });
    expect(usersOf(db!.files).map((u) => [u.name, u.normal, u.uid, u.groups])).toEqual([['dba', true, 1001, ['wheel']]]);
  });

  it('reads a hosts/<name>/ layout without a flake', async () => {
    const hs = await hosts('hosts-dir');
    expect(hs.map((h) => [h.name, h.source, h.files.map((f) => f.file).sort()])).toEqual([
      ['alpha', 'hosts-dir', ['common/base.nix', 'hosts/alpha/configuration.nix']],
      ['beta', 'hosts-dir', ['hosts/beta/default.nix']],
    ]);
    expect(servicesOf(hs[1]!.files).map((s) => s.name)).toEqual(['xserver.desktopManager.gnome']);
  });

  it('falls back to hosts/<name> when the modules are computed, and says so', async () => {
    const hs = await hosts('mkhost');
    expect(hs.map((h) => [h.name, h.files.map((f) => f.file).sort(), h.warnings])).toEqual([
      ['one', ['flake.nix', 'hosts/one/default.nix'], ['the modules of nixosConfigurations.one are not static; used hosts/one/default.nix and what they import']],
      ['two', ['flake.nix', 'hosts/two/default.nix'], ['the modules of nixosConfigurations.two are not static; used hosts/two/default.nix and what they import']],
    ]);
  });

  it('names a configuration without hosts "default"', async () => {
    const hs = await hosts('../../examples/insecure-host');
    expect(hs.map((h) => h.name)).toEqual(['builder']);
    const single = hostsOf({ root: '/virtual', files: [modelText('{ services.openssh.enable = true; }', 'configuration.nix')], skipped: [] });
    expect(single.map((h) => [h.name, h.source])).toEqual([['default', 'single']]);
  });
});

describe('servicesOf', () => {
  it('follows the module priorities of enable and keeps every option', () => {
    const m = modelText(`{ lib, cfg, ... }: {
      services.openssh = { enable = true; settings.PermitRootLogin = "no"; ports = [ 2222 ]; };
      services.nginx.enable = lib.mkDefault true;
      services.nginx.enable = false;
      services.tailscale.enable = cfg.vpn;
      services.pipewire = { enable = true; alsa.enable = true; };
      services.printing.enable = lib.mkForce false;
      services.printing.enable = true;
    }`);
    const s = servicesOf([m]);
    expect(s.map((x) => [x.name, x.enabled])).toEqual([
      ['openssh', true],
      ['tailscale', 'unknown'],
      ['pipewire', true],
    ]);
    expect(s[0]!.options.map((o) => o.path.join('.'))).toEqual(['enable', 'settings.PermitRootLogin', 'ports']);
  });
});
