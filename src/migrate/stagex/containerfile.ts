/**
 * Build dependencies of a stagex package, read from its Containerfile the way stagex's
 * own Makefile generator (src/targets.py) reads them: every instruction line that starts
 * with `FROM stagex/<id>` or `COPY --from=stagex/<id>` names a dependency, and a bare
 * `AS package` stage means the directory publishes an image under its own name.
 * Beyond targets.py we accept any `--flag` before the image (not only
 * `--platform=linux/386`), a `:tag` or `@digest` suffix, a docker.io/ or quay.io/
 * registry prefix, and `${ARG}` names resolved from earlier `ARG NAME=default` lines.
 */

export interface ContainerfileDeps {
  /** Image ids (`core-openssl`), in order of first appearance. */
  deps: string[];
  /** A `FROM … AS package` stage (not `package-<sub>`) exists. */
  hasPackageStage: boolean;
  /** References that could not be turned into an image id (1-based line numbers). */
  problems: Array<{ line: number; message: string }>;
}

const STAGEX_REF = /^(?:(?:docker\.io|quay\.io)\/)?stagex\/(.+)$/;
export const IMAGE_ID = /^(bootstrap|core|pallet|user)-([a-z0-9][a-z0-9._+-]*)$/;

export function scrapeContainerfile(text: string): ContainerfileDeps {
  const deps: string[] = [];
  const problems: ContainerfileDeps['problems'] = [];
  const args = new Map<string, string>();
  let hasPackageStage = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const words = line.trim().split(/\s+/);
    const instruction = line.startsWith('FROM ') || line.startsWith('COPY ') || line.startsWith('ARG ') ? words[0] : undefined;
    if (!instruction) continue;
    if (instruction === 'ARG') {
      for (const decl of words.slice(1)) {
        const eq = decl.indexOf('=');
        if (eq > 0) args.set(decl.slice(0, eq), decl.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
      }
      continue;
    }
    let ref: string | undefined;
    if (instruction === 'FROM') {
      const rest = words.slice(1);
      ref = rest.find((w) => !w.startsWith('--'));
      const as = rest.findIndex((w) => w.toUpperCase() === 'AS');
      if (as >= 0 && rest[as + 1] === 'package') hasPackageStage = true;
    } else {
      const from = words.slice(1).find((w) => w.startsWith('--from='));
      ref = from?.slice('--from='.length);
    }
    if (!ref) continue;
    const resolved = substituteArgs(ref, args);
    const m = STAGEX_REF.exec(resolved ?? ref);
    if (!m) continue;
    if (resolved === undefined) {
      problems.push({ line: i + 1, message: `cannot resolve the build argument in "${ref}"` });
      continue;
    }
    const id = m[1]!.replace(/@.*$/, '').replace(/:[^/]*$/, '');
    if (!IMAGE_ID.test(id)) {
      problems.push({ line: i + 1, message: `"${ref}" does not name a stagex image <stage>-<name>` });
      continue;
    }
    if (!deps.includes(id)) deps.push(id);
  }
  return { deps, hasPackageStage, problems };
}

/** `${NAME}` / `$NAME` from ARG defaults; undefined when one has no default. */
function substituteArgs(ref: string, args: Map<string, string>): string | undefined {
  let missing = false;
  const out = ref.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string | undefined, b: string | undefined) => {
    const value = args.get((a ?? b)!);
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}
