/**
 * Runs the steps of a composite action (action.yml) the way a GitHub runner does, as
 * far as the tests need: `if:` conditions and `${{ }}` expressions over inputs, github,
 * runner and steps contexts; each `run:` script in `bash --noprofile --norc -eo pipefail`
 * with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP files; outputs read back from
 * GITHUB_OUTPUT; a failing step stops the job. `uses:` steps are not run: they are
 * recorded with their resolved `with:` so tests can check what they would be given.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface ActionFile {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}

export interface StepResult {
  name: string;
  /** `uses:` steps: what they would have been given. */
  uses?: string;
  with?: Record<string, string>;
  status?: number;
  stdout?: string;
  stderr?: string;
}

export interface JobResult {
  status: number;
  steps: StepResult[];
  outputs: Record<string, Record<string, string>>;
  summary: string;
}

export function readAction(file: string): ActionFile {
  return parse(fs.readFileSync(file, 'utf8')) as ActionFile;
}

type Context = Record<string, unknown>;

/** Evaluates the expression subset the action uses: property paths, '…' literals, ==, !=, &&, ||. */
export function evaluate(expr: string, ctx: Context): string | boolean {
  const tokens = expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[A-Za-z_][\w.-]*/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== expr.replace(/\s/g, '')) throw new Error(`expression not understood: ${expr}`);
  let i = 0;
  const value = (): string | boolean => {
    const t = tokens[i++]!;
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    let v: unknown = ctx;
    for (const part of t.split('.')) {
      // A step that did not run has no outputs: GitHub reads them as ''. Anything else unknown is a mistake.
      if (t.startsWith('steps.') && (typeof v !== 'object' || v === null || !(part in v))) return '';
      if (typeof v !== 'object' || v === null || !(part in v)) throw new Error(`unknown context value: ${t}`);
      v = (v as Context)[part];
    }
    return typeof v === 'boolean' ? v : String(v ?? '');
  };
  const comparison = (): string | boolean => {
    const left = value();
    if (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const right = value();
      return op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  const and = (): string | boolean => {
    let v = comparison();
    while (tokens[i] === '&&') {
      i++;
      const r = comparison();
      v = Boolean(v) && Boolean(r);
    }
    return v;
  };
  let v = and();
  while (tokens[i] === '||') {
    i++;
    const r = and();
    v = Boolean(v) || Boolean(r);
  }
  return v;
}

function interpolate(s: string, ctx: Context): string {
  return s.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => String(evaluate(e, ctx)));
}

function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Like spawnSync, but the event loop keeps running (the tests' GitHub stand-in lives in this process). */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

export async function runAction(
  action: ActionFile,
  opts: { actionPath: string; workspace: string; temp: string; inputs: Record<string, string>; env?: NodeJS.ProcessEnv },
): Promise<JobResult> {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, opts.inputs[k] ?? String(v.default ?? '')]));
  for (const k of Object.keys(opts.inputs)) if (!(k in inputs)) throw new Error(`action.yml has no input ${k}`);
  const github = { action_path: opts.actionPath, token: 'test-token', workspace: opts.workspace };
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const summaryFile = path.join(opts.temp, 'step-summary.md');
  fs.writeFileSync(summaryFile, '');
  const results: StepResult[] = [];
  const ctx = (): Context => ({ inputs: { ...inputs }, github, runner: { temp: opts.temp }, steps });
  // `${{ github.token }}` in an input default is itself an expression.
  for (const [k, v] of Object.entries(inputs)) inputs[k] = interpolate(v, ctx());

  for (const [n, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${n + 1}`;
    if (step.if && !evaluate(step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, ''), ctx())) continue;
    if (step.uses) {
      results.push({ name, uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx())])) });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`${name}: only shell: bash is supported, got ${step.shell}`);
    const outputFile = path.join(opts.temp, `output-${n}`);
    fs.writeFileSync(outputFile, '');
    const script = path.join(opts.temp, `step-${n}.sh`);
    fs.writeFileSync(script, step.run!);
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx())]));
    const cwd = path.resolve(opts.workspace, interpolate(step['working-directory'] ?? '.', ctx()));
    const r = await bash(script, cwd, { ...process.env, ...opts.env, ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: opts.temp, GITHUB_WORKSPACE: opts.workspace });
    results.push({ name, status: r.status, stdout: r.stdout, stderr: r.stderr });
    if (step.id) steps[step.id] = { outputs: readOutputs(outputFile) };
    if (r.status !== 0) return { status: r.status, steps: results, outputs: outputsOf(steps), summary: fs.readFileSync(summaryFile, 'utf8') };
  }
  return { status: 0, steps: results, outputs: outputsOf(steps), summary: fs.readFileSync(summaryFile, 'utf8') };
}

function outputsOf(steps: Record<string, { outputs: Record<string, string> }>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v.outputs]));
}
