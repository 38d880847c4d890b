/**
 * The parts of the plan written for people, shared by MIGRATION.md and
 * plan.html: the step-by-step checklist with exact commands, and what stays
 * trusted after the migration, with the reason.
 */
import { MAINTAINERS_RELEASE } from './maintainers.js';
import type { MigrationPlan } from './plan-types.js';

export interface Step {
  title: string;
  why: string;
  /** Where the commands run: where migrate ran (the paths are relative to it), this host directory, or the repository root. */
  where: 'config' | 'host' | 'repo';
  commands: string[];
  done: boolean;
}

export const STEP_PLACE: Record<Step['where'], string> = {
  config: 'where you ran nixharden migrate',
  host: 'in this directory',
  repo: 'at the root of the repository',
};

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function checklist(plan: MigrationPlan): Step[] {
  const paths = plan.source.paths.map(shellQuote).join(' ');
  const pinned = plan.stagex.pinned;
  const unmapped = plan.packages.filter((p) => p.status === 'unmapped').length;
  const unrendered = plan.services.reduce((n, s) => n + s.unrendered.length, 0);
  const hostFlag = plan.host === 'default' ? '' : ` --host ${shellQuote(plan.host)}`;
  return [
    {
      title: 'Fix what the scan found in the current configuration',
      why: `${plan.findings.total} finding(s) today (${plan.findings.critical} critical, ${plan.findings.high} high); they matter until the old hosts are gone.`,
      where: 'config',
      commands: [`nixharden scan ${paths}`, `nixharden scan --fix ${paths}`],
      done: plan.findings.total === 0,
    },
    {
      title: 'Pin every input to a verified commit',
      why: `${plan.pins.mutable} of ${plan.pins.total} pin(s) are mutable: the configuration you migrate from should be the one you reviewed.`,
      where: 'config',
      commands: [`nixharden pins ${paths}`, 'nixharden policy init -o commit-policy.toml   # then name the signers you trust', `nixharden pin ${paths} --policy commit-policy.toml --write`],
      done: plan.pins.mutable === 0,
    },
    {
      title: 'Pin the stagex images by digest',
      why: pinned ? `Every FROM line is pinned to stagex ${plan.stagex.release ?? ''} digests.`.replace(' .', '.') : 'No stagex index gave digests: every FROM line names a tag, and build.sh refuses to build.',
      where: 'config',
      commands: [
        `git clone --depth 1 --branch ${plan.stagex.release ?? MAINTAINERS_RELEASE} https://codeberg.org/stagex/stagex stagex`,
        `nixharden stagex import stagex --release ${plan.stagex.release ?? MAINTAINERS_RELEASE}`,
        `nixharden migrate ${paths}${hostFlag} --force`,
      ],
      done: pinned,
    },
    {
      title: "Fetch the stagex maintainers' certificates and check their fingerprints",
      why: 'The policies name the maintainers by fingerprint; the certificates are not part of a stagex release. The script keeps a certificate only if its fingerprint matches.',
      where: 'host',
      commands: ['sh keys/fetch-keys.sh', 'gpg --show-keys --with-fingerprint keys/*.asc'],
      done: false,
    },
    {
      title: `Check that ${plan.threshold} distinct maintainers signed every base image`,
      why: "A containers policy.json signedBy rule accepts any ONE maintainer's signature, and docker reads no policy at all; nixharden counts distinct maintainers.",
      where: 'host',
      commands: ['./build.sh verify'],
      done: false,
    },
    {
      title: 'Build, and prove the build reproducible',
      why: 'Two builds from a clean state must give the same manifest digests; otherwise no one can check your images independently.',
      where: 'host',
      commands: ['make build', 'make verify-reproducible', 'make verify-reproducible BUILDER=docker'],
      done: false,
    },
    {
      title: 'Rebuild independently on two runner types, and sign only matching digests',
      why: 'Each builder signs what it built, and only when both agree: your images then carry an M-of-N quorum like stagex itself.',
      where: 'repo',
      commands: [`mkdir -p .github/workflows && cp ${shellQuote(plan.outputDir)}/ci/github-actions.yml .github/workflows/stagex-${plan.host}.yml`, `# or, on Forgejo: cp ${shellQuote(plan.outputDir)}/ci/forgejo-actions.yml .forgejo/workflows/stagex-${plan.host}.yml`],
      done: false,
    },
    {
      title: 'Enforce signatures where images are pulled (podman, CRI-O)',
      why: 'policy.json refuses stagex images without a maintainer signature; its key paths are relative, so install them with absolute paths.',
      where: 'host',
      commands: [
        'install -d /etc/containers/keys/stagex /etc/containers/registries.d',
        'install -m 644 keys/*.asc /etc/containers/keys/stagex/',
        'sed \'s#"keys/#"/etc/containers/keys/stagex/#\' policy.json > /etc/containers/policy.json',
        'install -m 644 registries.d/stagex.yaml /etc/containers/registries.d/',
      ],
      done: false,
    },
    {
      title: 'Carry over what could not be generated',
      why: `${unmapped} package(s) have no stagex image and ${unrendered} service option(s) were not rendered; each is listed with its reason in MIGRATION.md and plan.json.`,
      where: 'host',
      commands: [`jq '.packages[] | select(.status == "unmapped")' plan.json`, `jq '.services[].unrendered[]' plan.json`],
      done: unmapped === 0 && unrendered === 0,
    },
  ];
}

export interface TrustedParty {
  who: string;
  why: string;
}

export function staysTrusted(plan: MigrationPlan): TrustedParty[] {
  return [
    { who: `The stagex maintainers, ${plan.threshold} of ${plan.signers.length} together`, why: 'They write the Containerfiles and sign the releases. No single maintainer can ship an image you accept, but any two who collude can.' },
    { who: 'Upstream source authors', why: 'stagex builds from their release tarballs, pinned by sha256 in each package.toml: a changed tarball fails the build, but the code in the pinned tarball is trusted as written.' },
    { who: "stagex's bootstrap seed", why: 'Every stagex toolchain descends from a few hundred bytes of hex0 seed, small enough to audit, instead of a binary compiler.' },
    { who: 'Your own configuration repository', why: 'The Containerfiles, rendered configs and policies generated here are only as trustworthy as the commit they come from: sign your commits (nixharden verify-commit).' },
    { who: 'Your CI builders and their keys', why: 'Each builder signs what it built after the digests agree; a compromised builder cannot make a different image pass alone, but its key must stay its own.' },
    { who: 'The registries (Docker Hub, quay.io, your own)', why: 'Only for availability: every image is pulled by digest and checked against signatures, so a registry can withhold an image but not change one.' },
    { who: 'buildah or docker, and nixharden', why: 'The tools that build and verify run with your privileges; install them from a source you trust and pin their versions (the CI files pin nixharden).' },
  ];
}
