/**
 * Every file of one host's output directory, in the fixed layout scripts and CI
 * rely on:
 *   Containerfile, services/<name>.Containerfile and their config files,
 *   build.sh, Makefile, policy.json, registries.d/stagex.yaml,
 *   nixharden-policy.toml, keys/fetch-keys.sh, ci/github-actions.yml,
 *   ci/forgejo-actions.yml, MIGRATION.md, plan.json, plan.html.
 */
import type { TreeDir, TreeFile } from '../../core/write-tree.js';
import { buildScript, makefile } from './build-script.js';
import { forgejoWorkflow, githubWorkflow } from './ci.js';
import { hostContainerfile, serviceContainerfile } from './containerfile.js';
import { migrationMd } from './migration-md.js';
import { planHtml } from './plan-html.js';
import type { MigrationPlan } from './plan-types.js';
import { fetchKeysScript, nixhardenPolicyToml, policyJson, registriesYaml } from './signature-policy.js';

export interface HostOutput {
  plan: MigrationPlan;
  /** Rendered service config files by name in `services/`. */
  configs: { file: string; content: string }[];
}

/** Files in a host directory that migrate never writes but keeps when it replaces the directory: fetched certificates. */
export const KEEP_ON_REPLACE = /^keys\/[^/]+\.asc$/;

export async function hostFiles(output: HostOutput): Promise<TreeFile[]> {
  const { plan } = output;
  const files: TreeFile[] = [{ path: 'Containerfile', content: hostContainerfile(plan) }];
  for (const s of plan.services) if (s.status === 'mapped') files.push({ path: `services/${s.id}.Containerfile`, content: serviceContainerfile(plan, s) });
  for (const c of output.configs) files.push({ path: `services/${c.file}`, content: c.content });
  files.push(
    { path: 'build.sh', content: buildScript(plan), mode: 0o755 },
    { path: 'Makefile', content: makefile(plan) },
    { path: 'policy.json', content: policyJson(plan) },
    { path: 'registries.d/stagex.yaml', content: registriesYaml(plan) },
    { path: 'nixharden-policy.toml', content: nixhardenPolicyToml(plan) },
    { path: 'keys/fetch-keys.sh', content: fetchKeysScript(plan), mode: 0o755 },
    { path: 'ci/github-actions.yml', content: githubWorkflow(plan) },
    { path: 'ci/forgejo-actions.yml', content: forgejoWorkflow(plan) },
    { path: 'MIGRATION.md', content: migrationMd(plan) },
    { path: 'plan.json', content: `${JSON.stringify(plan, null, 2)}\n` },
    { path: 'plan.html', content: await planHtml(plan) },
  );
  return files;
}

export async function hostDir(output: HostOutput): Promise<TreeDir> {
  return { name: output.plan.host, files: await hostFiles(output), keep: KEEP_ON_REPLACE };
}
