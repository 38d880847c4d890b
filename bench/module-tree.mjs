#!/usr/bin/env node
// A deterministic module-heavy Nix tree for the scan benchmark, shaped like the
// option-declaring repositories (NixOS modules, home-manager, nixvim): large
// `let` blocks with `inherit (lib) …` and helper functions, deep `options`
// trees of `mkOption` with submodules, `config = mkIf cfg.enable (mkMerge [ …
// mkIf sections … ])`, `let … in` bodies, and now and then a fixpoint
// (`let pkgs = { inherit pkgs; … }; in pkgs`) as mock package sets write them.
//
//   node bench/module-tree.mjs OUT [--files N] [--seed S]     (default 2,000 files, ~22 MB)
//
// `npm run bench` generates one of these itself (bench/scan.mjs); this CLI is for
// profiling by hand. Prints the files and MB written.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTree } from './generate.mjs';

const NAMES = ['listen', 'address', 'port', 'tls', 'cert', 'key', 'cache', 'limits', 'workers', 'log', 'level', 'format', 'backend', 'storage', 'path', 'timeout', 'retries', 'auth', 'users', 'groups', 'proxy', 'upstream', 'metrics', 'exporter'];
const TYPES = ['types.str', 'types.bool', 'types.port', 'types.int', 'types.path', '(types.listOf types.str)', '(types.nullOr types.str)', '(types.attrsOf types.str)', '(types.enum [ "a" "b" "c" ])', 'types.package'];
const PKGS = ['git', 'curl', 'openssl', 'jq', 'coreutils', 'nginx', 'postgresql', 'redis', 'python3', 'nodejs'];

function defaultFor(type, r) {
  if (type === 'types.bool') return r() < 0.5 ? 'true' : 'false';
  if (type === 'types.port') return String(1024 + Math.floor(r() * 60000));
  if (type === 'types.int') return String(Math.floor(r() * 100));
  if (type === 'types.path') return '"/var/lib/bench"';
  if (type.includes('listOf')) return '[ "a" "b" ]';
  if (type.includes('nullOr')) return 'null';
  if (type.includes('attrsOf')) return '{ }';
  if (type.includes('enum')) return '"a"';
  if (type === 'types.package') return `pkgs.${PKGS[Math.floor(r() * PKGS.length)]}`;
  return `"${NAMES[Math.floor(r() * NAMES.length)]}"`;
}

/** An `options` subtree `depth` levels deep, indented by `ind`. */
function optionTree(out, r, ind, depth, id) {
  const n = 2 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const name = `${NAMES[Math.floor(r() * NAMES.length)]}${k}`;
    if (depth > 0 && r() < 0.45) {
      out.push(`${ind}${name} = {`);
      optionTree(out, r, ind + '  ', depth - 1, id);
      out.push(`${ind}};`);
      continue;
    }
    const type = TYPES[Math.floor(r() * TYPES.length)];
    if (r() < 0.25) {
      out.push(`${ind}${name} = mkEnableOption "${name} for service ${id}";`);
      continue;
    }
    out.push(`${ind}${name} = mkOption {`);
    out.push(`${ind}  type = ${type};`);
    out.push(`${ind}  default = ${defaultFor(type, r)};`);
    if (r() < 0.3) out.push(`${ind}  example = literalExpression "${defaultFor(type, r).replace(/"/g, '\\"')}";`);
    out.push(`${ind}  description = ''`);
    out.push(`${ind}    The ${name} of service ${id}; see {option}\`services.svc${id}.enable\`.`);
    if (r() < 0.5) out.push(`${ind}    Defaults to \`\${toString cfg.port}\` when unset.`);
    out.push(`${ind}  '';`);
    out.push(`${ind}};`);
  }
}

export function moduleFile(r, i) {
  const pick = (a) => a[Math.floor(r() * a.length)];
  const o = [];
  o.push('{', '  config,', '  lib,', '  pkgs,', '  ...', '}:', 'let');
  o.push('  inherit (lib)', '    mkIf', '    mkMerge', '    mkOption', '    mkEnableOption', '    mkDefault', '    literalExpression', '    types', '    ;');
  o.push(`  cfg = config.services.svc${i};`);
  o.push('  settingsFormat = pkgs.formats.toml { };');
  o.push(`  defaultUser = "svc${i}";`);
  for (let k = 0, m = 4 + Math.floor(r() * 16); k < m; k++) {
    const f = r();
    if (f < 0.3) o.push(`  helper${k} = name: value: lib.nameValuePair "\${name}-${k}" (toString value);`);
    else if (f < 0.6) o.push(`  const${k} = { name = "${pick(NAMES)}"; enabled = ${r() < 0.5}; count = ${k}; tags = [ "${pick(NAMES)}" "${pick(NAMES)}" ]; };`);
    else if (f < 0.8) o.push(`  list${k} = [ ${Array.from({ length: 3 + Math.floor(r() * 6) }, () => `"${pick(NAMES)}"`).join(' ')} ] ++ lib.optional cfg.enable "${pick(NAMES)}";`);
    else o.push(`  mkPort${k} = name: default: mkOption { type = types.port; inherit default; description = "Port for \${name}."; };`);
  }
  const fixpoint = r() < 0.1;
  if (fixpoint) {
    // A fixpoint, as mock package sets are written: `pkgs` refers to itself.
    o.push('  mock = {', '    _type = "pkgs";', '    __splicedPackages = mock;', '    inherit config mock;', '    enabled = true;', '  };');
  }
  o.push('in', '{');
  if (r() < 0.5) o.push('  imports = [', `    ./common${i % 7}.nix`, `    (lib.mkRenamedOptionModule [ "services" "old${i}" ] [ "services" "svc${i}" ])`, '  ];');
  o.push(`  options.services.svc${i} = {`);
  o.push(`    enable = mkEnableOption "service ${i}";`);
  o.push(`    package = lib.mkPackageOption pkgs "${pick(PKGS)}" { };`);
  o.push('    settings = mkOption {', '      type = types.submodule {', '        freeformType = settingsFormat.type;', '        options = {');
  optionTree(o, r, '          ', 2, i);
  o.push('        };', '      };', '      default = { };', '      description = "Settings of the service.";', '    };');
  o.push('    instances = mkOption {', '      type = types.attrsOf (', '        types.submodule (', '          { name, config, ... }:', '          {', '            options = {');
  optionTree(o, r, '              ', 1, i);
  o.push('            };', '            config.name = mkDefault name;', '          }', '        )', '      );', '      default = { };', '    };');
  optionTree(o, r, '    ', 1, i);
  o.push('  };', '');
  o.push('  config = mkIf cfg.enable (mkMerge [');
  o.push('    {', '      environment.systemPackages = [ cfg.package ];', `      users.users.\${cfg.user} = mkIf (cfg.user == defaultUser) {`, '        isSystemUser = true;', '        group = cfg.group;', '      };', '    }');
  for (let k = 0, m = 3 + Math.floor(r() * 8); k < m; k++) {
    const name = pick(NAMES);
    o.push(`    (mkIf cfg.settings.${name}${k}.enable {`);
    const f = r();
    if (f < 0.3) o.push(`      networking.firewall.allowedTCPPorts = [ cfg.settings.port ${1000 + k} ];`);
    else if (f < 0.6) {
      o.push(`      systemd.services."svc${i}-${name}" = {`, '        wantedBy = [ "multi-user.target" ];', '        after = [ "network-online.target" ];');
      o.push('        serviceConfig = {', `          ExecStart = "\${lib.getExe cfg.package} --config \${settingsFormat.generate "svc.toml" cfg.settings}";`, '          DynamicUser = true;', '          Restart = "on-failure";', '        };');
      o.push("        script = ''", `          exec \${cfg.package}/bin/svc${i} --${name} ${k}`, "        '';", '      };');
    } else if (f < 0.8) {
      o.push('      assertions = [', '        {', `          assertion = cfg.settings.${name}${k}.enable -> cfg.enable;`, `          message = "services.svc${i}.${name}${k} needs the service";`, '        }', '      ];');
    } else {
      o.push(`      environment.etc."svc${i}/${name}.conf".text = let`, `        lines = map (x: "\${x} = 1") [ "${pick(NAMES)}" "${pick(NAMES)}" ];`, '      in', '      lib.concatStringsSep "\\n" lines;');
    }
    o.push('    })');
  }
  if (r() < 0.2) {
    // Something for the rules to find now and then.
    const cache = r() < 0.5 ? `http://cache${i % 5}.example.org` : 'https://cache.nixos.org';
    o.push('    {', '      nix.settings = {', `        substituters = [ "${cache}" ];`, `        trusted-users = [ "root" cfg.user ];`, `        sandbox = ${r() < 0.3 ? 'false' : 'true'};`, '      };', '    }');
  }
  if (r() < 0.05) o.push(`    { svc.nixpkgs = import (builtins.fetchTarball "https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz") { }; }`);
  if (fixpoint) o.push('    { _module.args.mockPkgs = mock; }');
  if (r() < 0.1) {
    o.push('    {', `      svc.src = pkgs.fetchFromGitHub {`, '        owner = "example";', `        repo = "svc${i}";`, `        rev = "v${i}.0";`, `        hash = "sha256-${'C'.repeat(43)}=";`, '      };', '    }');
  }
  o.push('  ]);', '');
  o.push('  meta.maintainers = with lib.maintainers; [ alice bob ];', '}');
  return o.join('\n') + '\n';
}

/** Writes `files` modules under `dir` (100 per folder); returns the bytes written. */
export function generateModuleTree(dir, files = 2000, seed = 7) {
  return writeTree(dir, { files, seed, folder: 'modules', name: 'svc', make: moduleFile });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const out = args.find((a, k) => !a.startsWith('--') && (k === 0 || !args[k - 1].startsWith('--')));
  if (!out) {
    console.error('usage: module-tree.mjs OUT [--files N] [--seed S]');
    process.exit(2);
  }
  const files = opt('--files', 2000);
  const bytes = generateModuleTree(out, files, opt('--seed', 7));
  console.log(`${files} modules, ${(bytes / 1e6).toFixed(1)} MB in ${out}`);
}
