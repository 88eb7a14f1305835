// `cdk synth` end to end, as a user runs it, with no flags, on generated projects of 100, 1,000
// and 3,000 jobs: the CLI, discovery, bundling, the construct tree, cdk-nag and the built-in
// template validation, asset staging and writing cdk.out. Each size runs `npx cdk synth` in a
// fresh process; the cloud assembly is then read for the figures CloudFormation cares about.
// Targets: 1,000 jobs in under 3 minutes and 3,000 in under 7, at most 450 resources and under
// 1 MB a template, no empty stack. Then one job file is added and a second synth runs the app's
// steps one by one, to say what costs what, and job-stacks.txt before and after says how many
// jobs moved to another stack (the target is none).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseStackAssignment } from '../infra/stack-assignment';
import { median, report } from './report';

const SIZES = (process.env.SYNTH_SIZES ?? '100,1000,3000').split(',').map(Number);
const TARGET_SECONDS: Record<number, number> = { 1000: 180, 3000: 420 };
const ADDED_JOB = 'added-after-deploy';
// SYNTH_KEEP=1 leaves the generated projects and their cdk.out in .cache/bench-synth.
const KEEP = process.env.SYNTH_KEEP === '1';
const PHASES_FLAG = '--phases';
const REPO_ROOT = resolve(import.meta.dirname, '..');
const CACHE_DIR = join(REPO_ROOT, '.cache', 'bench-synth');

const CRONS = [
  { cron: '0 2 * * *', timezone: 'Europe/London' },
  { cron: 'cron(0/15 8-18 ? * MON-FRI *)', timezone: 'America/New_York' },
  { cron: '30 6 1 * *', timezone: 'Asia/Tokyo' },
  { cron: '0 9 * * 1-5', timezone: 'Australia/Sydney' },
  { cron: '45 23 * * 0', timezone: 'Europe/Berlin' },
  { cron: 'cron(0 12 L * ? *)', timezone: 'America/Los_Angeles' },
];
const RATES = ['5 minutes', '1 hour', '6 hours', '1 day'];
const QUEUES = ['critical', 'default', 'batch'];

const jobName = (index: number) => `generated-${String(index).padStart(4, '0')}`;
const jobFolder = (index: number) => `team-${index % 10}`;

/**
 * Of every ten jobs, six run on a cron in a time zone, two at a rate and two on demand. A third
 * take zod input (every on-demand job does), and a fifth enqueue the first on-demand job of
 * their ten: half import its definition, as daily-report imports send-email, half name it.
 * A job imported by another sets its name, as send-email does: discovery cannot give an
 * imported definition the name of its file (see the report).
 */
function jobFile(index: number, count: number): string {
  const kind = index % 10;
  const schedule =
    kind < 6
      ? `schedule: ${JSON.stringify(CRONS[index % CRONS.length]).replaceAll('"', "'")},`
      : kind < 8
        ? `schedule: { rate: '${RATES[index % RATES.length]}' },`
        : '';
  const hasInput = kind >= 8 || index % 3 === 0;
  const targetIndex = index - kind + 8;
  const enqueues = (kind === 1 || kind === 6) && targetIndex < count;
  const byImport = kind === 1;
  const target = byImport ? 'target' : `'${jobName(targetIndex)}'`;
  const imports = [
    "import { defineJob, JobResult } from '#shared';",
    ...(hasInput ? ["import * as z from 'zod';"] : []),
    ...(enqueues && byImport
      ? [`import target from '../${jobFolder(targetIndex)}/${jobName(targetIndex)}.job';`]
      : []),
  ];
  const run = enqueues
    ? `run: async (ctx) => {
    const { runId } = await ctx.enqueue(${target}, { customerId: ctx.runId, limit: 10 });
    return JobResult.success(\`handed over to \${runId}\`);
  },`
    : `run: async (ctx) => JobResult.success(\`processed \${JSON.stringify(ctx.input)}\`),`;
  const options = [
    ...(kind === 8 ? [`name: '${jobName(index)}',`] : []),
    `description: 'Generated job ${index}',`,
    ...(schedule ? [schedule] : []),
    `queue: '${QUEUES[index % QUEUES.length]}',`,
    `retries: ${index % 11},`,
    `timeout: '${1 + (index % 14)} minutes',`,
    `memoryMb: ${128 * (1 + (index % 8))},`,
    ...(hasInput
      ? [
          'input: z.object({ customerId: z.string().optional(), limit: z.number().int().min(1).default(100) }).default({ limit: 100 }),',
        ]
      : []),
    ...(enqueues ? [`enqueues: [${target}],`] : []),
    run,
  ];
  return `${imports.join('\n')}

export default defineJob({
  ${options.join('\n  ')}
});
`;
}

/**
 * A project as `cdk init` plus this package would leave it, with generated job files. It lives
 * under the repository, so that `#shared`, zod and the AWS SDK resolve from its package.json and
 * node_modules; the runtime, the entry points and the app are links to the repository's own.
 */
async function generateProject(count: number): Promise<string> {
  const projectRoot = join(CACHE_DIR, `jobs-${count}`);
  await rm(projectRoot, { recursive: true, force: true });
  for (let folder = 0; folder < 10; folder++) {
    await mkdir(join(projectRoot, 'functions', 'jobs', `team-${folder}`), { recursive: true });
  }
  await Promise.all([
    symlink(join(REPO_ROOT, 'shared'), join(projectRoot, 'shared')),
    symlink(join(REPO_ROOT, 'infra'), join(projectRoot, 'infra')),
    // Every Lambda entry point the app bundles (worker, api, alerts, sweep, keep-paused, ...).
    ...readdirSync(join(REPO_ROOT, 'functions'))
      .filter((entry) => entry.endsWith('.ts'))
      .map((entry) =>
        symlink(join(REPO_ROOT, 'functions', entry), join(projectRoot, 'functions', entry)),
      ),
    copyFile(join(REPO_ROOT, 'cdk.json'), join(projectRoot, 'cdk.json')),
    ...Array.from({ length: count }, (_, index) =>
      writeFile(
        join(projectRoot, 'functions', 'jobs', jobFolder(index), `${jobName(index)}.job.ts`),
        jobFile(index, count),
      ),
    ),
  ]);
  return projectRoot;
}

interface PeakMemory {
  /** Peak resident memory of the largest esbuild process, in MB. */
  readonly esbuildMb: number;
  /** Peak resident memory of the largest node process (the CDK app), in MB. */
  readonly nodeMb: number;
}

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** Undefined where there is no /proc to read it from. */
  readonly peak: PeakMemory | undefined;
}

/** Peak memory (VmHWM) of the esbuild and node processes below `rootPid`, from /proc. */
function descendantPeaks(rootPid: number): PeakMemory | undefined {
  if (!existsSync('/proc/self/status')) return undefined;
  const parentOf = new Map<number, number>();
  const nameOf = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const nameEnd = stat.lastIndexOf(')');
      nameOf.set(Number(entry), stat.slice(stat.indexOf('(') + 1, nameEnd));
      parentOf.set(Number(entry), Number(stat.slice(nameEnd + 2).split(' ')[1]));
    } catch {
      // The process ended while the list was read.
    }
  }
  const isBelowRoot = (pid: number) => {
    for (let parent = parentOf.get(pid); parent !== undefined && parent > 1; ) {
      if (parent === rootPid) return true;
      parent = parentOf.get(parent);
    }
    return false;
  };
  let esbuildMb = 0;
  let nodeMb = 0;
  for (const [pid, name] of nameOf) {
    if ((name !== 'esbuild' && name !== 'node') || !isBelowRoot(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const mb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
      if (name === 'esbuild') esbuildMb = Math.max(esbuildMb, mb);
      else nodeMb = Math.max(nodeMb, mb);
    } catch {
      // As above.
    }
  }
  return { esbuildMb, nodeMb };
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak: PeakMemory | undefined;
    const watch = setInterval(() => {
      const now = child.pid === undefined ? undefined : descendantPeaks(child.pid);
      if (now) {
        peak = {
          esbuildMb: Math.max(peak?.esbuildMb ?? 0, now.esbuildMb),
          nodeMb: Math.max(peak?.nodeMb ?? 0, now.nodeMb),
        };
      }
    }, 250);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearInterval(watch);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(watch);
      resolvePromise({ code, stdout, stderr, wallMs: performance.now() - started, peak });
    });
  });
}

interface AssemblyFigures {
  readonly stacks: number;
  /** Job stacks (`-shard-`) without a single function: stacks that hold no job. */
  readonly emptyJobStacks: number;
  readonly largestTemplateBytes: number;
  readonly resourcesPerStack: readonly number[];
  readonly largestTemplateKb: number;
  readonly largestTemplate: string;
  readonly outputs: number;
  readonly assetDirs: number;
  readonly assemblyMb: number;
}

async function readAssembly(outDir: string): Promise<AssemblyFigures> {
  const entries = await readdir(outDir, { withFileTypes: true });
  const templates = entries.filter((entry) => entry.name.endsWith('.template.json'));
  const resourcesPerStack: number[] = [];
  let largestTemplateKb = 0;
  let largestTemplate = '';
  let outputs = 0;
  let emptyJobStacks = 0;
  let largestTemplateBytes = 0;
  for (const entry of templates) {
    const text = await readFile(join(outDir, entry.name), 'utf8');
    const template = JSON.parse(text) as {
      Resources?: Record<string, unknown>;
      Outputs?: Record<string, unknown>;
    };
    resourcesPerStack.push(Object.keys(template.Resources ?? {}).length);
    const functions = Object.values(template.Resources ?? {}).filter(
      (resource) => (resource as { Type?: string }).Type === 'AWS::Lambda::Function',
    );
    if (entry.name.includes('shard') && functions.length === 0) emptyJobStacks++;
    largestTemplateBytes = Math.max(largestTemplateBytes, Buffer.byteLength(text));
    outputs += Object.keys(template.Outputs ?? {}).length;
    const kb = Buffer.byteLength(text) / 1024;
    if (kb > largestTemplateKb) {
      largestTemplateKb = kb;
      largestTemplate = entry.name;
    }
  }
  return {
    stacks: templates.length,
    emptyJobStacks,
    largestTemplateBytes,
    resourcesPerStack,
    largestTemplateKb,
    largestTemplate,
    outputs,
    assetDirs: entries.filter((entry) => entry.isDirectory() && entry.name.startsWith('asset.'))
      .length,
    assemblyMb: (await folderBytes(outDir)) / 1024 / 1024,
  };
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Prints a whole number as report() prints a measure. */
function printCount(name: string, value: number, note = ''): void {
  process.stdout.write(
    `${name.padEnd(58)} ${String(value).padStart(10)}${note ? `  (${note})` : ''}\n`,
  );
}

function reportPeak(name: string, peak: PeakMemory | undefined): void {
  if (!peak) return;
  report(`${name}: esbuild`, peak.esbuildMb, 'MB', 'peak resident memory');
  report(`${name}: largest node process (the app)`, peak.nodeMb, 'MB', 'peak resident memory');
}

/** Runs the app again, through the CLI, as the phases driver below, and prints what took what. */
async function reportPhases(
  projectRoot: string,
): Promise<{ wallMs: number; assembly: AssemblyFigures } | undefined> {
  const outDir = join(projectRoot, 'cdk.out.phases');
  const phasesFile = join(projectRoot, 'phases.json');
  const spawnedAt = Date.now();
  const result = await run(
    'npx',
    [
      'cdk',
      'synth',
      '--quiet',
      '-o',
      outDir,
      '--app',
      `npx tsx ${join(REPO_ROOT, 'bench', 'synth.bench.ts')} ${PHASES_FLAG}`,
    ],
    projectRoot,
    { ...process.env, BENCH_SYNTH_PHASES_FILE: phasesFile },
  );
  const exitedAt = Date.now();
  process.stdout.write('where the time goes (a second synth, step by step)\n');
  if (result.code !== 0) {
    process.stdout.write(`  it failed (exit ${result.code}):\n${result.stderr.slice(-4000)}\n`);
    reportPeak('  until it failed', result.peak);
    return undefined;
  }
  const { appStartedAt, appFinishedAt, phases, cdkCounters } = JSON.parse(
    await readFile(phasesFile, 'utf8'),
  ) as PhaseReport;
  const ms = (name: string) => phases.find((phase) => phase.name === name)?.ms ?? 0;
  report('  CDK CLI start, credentials, npx tsx spawn', appStartedAt - spawnedAt, 'ms');
  const inSynth = [
    'templates: render and write',
    'built-in CloudFormation validation plugin',
    'cdk-nag AwsSolutionsChecks',
    'cdk-nag ServerlessChecks',
  ];
  const staging = ['asset staging: hash', 'asset staging: copy'];
  for (const phase of phases) {
    if (inSynth.includes(phase.name) || staging.includes(phase.name)) continue;
    report(`  ${phase.name}`, phase.ms, 'ms');
    if (phase.name.startsWith('construct tree')) {
      for (const name of staging) report(`    ${name}`, ms(name), 'ms');
      const constructs = phase.ms - staging.reduce((sum, name) => sum + ms(name), 0);
      report('    constructs themselves', constructs, 'ms');
    }
    if (phase.name === 'app.synth()') {
      for (const name of inSynth) report(`    ${name}`, ms(name), 'ms');
      const rest = phase.ms - inSynth.reduce((sum, name) => sum + ms(name), 0);
      report('    the rest: tree metadata, aspects, prepare, manifests', rest, 'ms');
    }
  }
  report('  app exit, CLI reads the assembly and exits', exitedAt - appFinishedAt, 'ms');
  report('  total of this instrumented synth', result.wallMs / 1000, 's');
  reportPeak('  peak', result.peak);
  const top = Object.entries(cdkCounters)
    .sort(([, a], [, b]) => b.total - a.total)
    .slice(0, 6)
    .map(([name, counter]) => `${name} ${Math.round(counter.total)} ms × ${counter.count}`);
  process.stdout.write(`  aws-cdk-lib's own counters, top 6: ${top.join('; ')}\n`);
  const assembly = await readAssembly(outDir);
  await rm(outDir, { recursive: true, force: true });
  return { wallMs: result.wallMs, assembly };
}

/** What CloudFormation would refuse, or what the app promises not to make. */
function assemblyProblems(count: number, assembly: AssemblyFigures): string[] {
  const problems: string[] = [];
  const most = Math.max(...assembly.resourcesPerStack);
  if (most > 450) problems.push(`${count} jobs: a stack holds ${most} resources (over 450)`);
  if (assembly.largestTemplateBytes >= 1024 * 1024) {
    problems.push(`${count} jobs: ${assembly.largestTemplate} is over 1 MB`);
  }
  if (assembly.emptyJobStacks > 0) {
    problems.push(`${count} jobs: ${assembly.emptyJobStacks} job stack(s) hold no job`);
  }
  return problems;
}

function printAssembly(assembly: AssemblyFigures): void {
  printCount('stacks', assembly.stacks);
  printCount('job stacks without a job', assembly.emptyJobStacks, 'target: 0');
  printCount('resources per stack, max', Math.max(...assembly.resourcesPerStack), 'target: ≤ 450');
  report('resources per stack, median', median(assembly.resourcesPerStack), '');
  report(
    'largest template',
    assembly.largestTemplateKb,
    'KB',
    `${assembly.largestTemplate}; target: < 1024 KB`,
  );
  printCount('stack Outputs, all stacks', assembly.outputs);
  printCount('code assets', assembly.assetDirs);
  report('cloud assembly on disk', assembly.assemblyMb, 'MB');
}

async function main(): Promise<void> {
  const synthMs = new Map<number, number>();
  const stepByStepMs = new Map<number, number>();
  const failures: string[] = [];
  for (const count of SIZES) {
    const projectRoot = await generateProject(count);
    const outDir = join(projectRoot, 'cdk.out');
    process.stdout.write(`\ncdk synth of ${count} generated jobs, no flags\n`);
    try {
      const synth = await run('npx', ['cdk', 'synth', '--quiet', '-o', outDir], projectRoot);
      if (synth.code !== 0) {
        failures.push(`${count} jobs: cdk synth exited with ${synth.code}`);
        process.stdout.write(
          `cdk synth failed (exit ${synth.code}) after ${(synth.wallMs / 1000).toFixed(1)} s:\n${synth.stderr.slice(-2000)}\n`,
        );
        reportPeak('until it failed', synth.peak);
        await rm(outDir, { recursive: true, force: true });
        const stepByStep = await reportPhases(projectRoot);
        if (stepByStep) {
          stepByStepMs.set(count, stepByStep.wallMs);
          process.stdout.write('the cloud assembly of the step-by-step synth\n');
          printAssembly(stepByStep.assembly);
        }
        continue;
      }
      synthMs.set(count, synth.wallMs);
      const target = TARGET_SECONDS[count];
      report(
        'cdk synth, end to end',
        synth.wallMs / 1000,
        's',
        target ? `target: < ${target} s` : '',
      );
      reportPeak('peak', synth.peak);
      const assembly = await readAssembly(outDir);
      printAssembly(assembly);
      failures.push(...assemblyProblems(count, assembly));
      await rm(outDir, { recursive: true, force: true });
      const assignmentFile = join(projectRoot, 'job-stacks.txt');
      const before = parseStackAssignment(await readFile(assignmentFile, 'utf8'), 'job-stacks.txt');
      await writeFile(
        join(projectRoot, 'functions', 'jobs', `${ADDED_JOB}.job.ts`),
        `import { defineJob, JobResult } from '#shared';\n\nexport default defineJob({\n  run: async () => JobResult.success(),\n});\n`,
      );
      process.stdout.write(`one job added (${ADDED_JOB}), then:\n`);
      const stepByStep = await reportPhases(projectRoot);
      if (stepByStep) {
        stepByStepMs.set(count, stepByStep.wallMs);
        const after = parseStackAssignment(
          await readFile(assignmentFile, 'utf8'),
          'job-stacks.txt',
        );
        const moved = [...before].filter(([job, stack]) => after.get(job) !== stack);
        printCount(
          'jobs moved to another stack by adding one',
          moved.length,
          `target: 0; ${ADDED_JOB} went to stack ${after.get(ADDED_JOB)}`,
        );
        if (moved.length > 0) failures.push(`${count} jobs: adding one moved ${moved.length}`);
      }
    } finally {
      if (!KEEP) await rm(projectRoot, { recursive: true, force: true });
    }
  }
  const small = synthMs.get(100);
  const large = synthMs.get(1000);
  process.stdout.write('\n');
  if (small !== undefined && large !== undefined) {
    report('1,000 jobs / 100 jobs, end to end', large / small, 'x', 'target: < 12x');
  }
  const stepSmall = stepByStepMs.get(100);
  const stepLarge = stepByStepMs.get(1000);
  if (stepSmall !== undefined && stepLarge !== undefined) {
    report(
      '1,000 jobs / 100 jobs, step-by-step synths',
      stepLarge / stepSmall,
      'x',
      'target: < 12x',
    );
  }
  for (const failure of failures) process.stdout.write(`FAILED: ${failure}\n`);
  if (!KEEP) await rm(CACHE_DIR, { recursive: true, force: true });
  if (failures.length > 0) process.exitCode = 1;
}

if (process.argv[2] === PHASES_FLAG) {
  await phases();
} else {
  await main();
}

interface Phase {
  readonly name: string;
  readonly ms: number;
}

interface PhaseReport {
  /** When the app's process started and when its synth returned, as epoch milliseconds. */
  readonly appStartedAt: number;
  readonly appFinishedAt: number;
  readonly phases: readonly Phase[];
  /** aws-cdk-lib's own performance counters (fs and child_process calls, Stack.resolve, ...). */
  readonly cdkCounters: Readonly<Record<string, { count: number; total: number }>>;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `target[method]` so that every call adds its duration to `totals[label]`. */
function timeCalls(target: object, method: string, label: string, totals: Map<string, number>) {
  const holder = target as Record<string, AnyMethod>;
  const original = holder[method];
  if (typeof original !== 'function') throw new Error(`${label}: no method ${method} to time`);
  holder[method] = function timed(this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      totals.set(label, (totals.get(label) ?? 0) + performance.now() - started);
    }
  };
}

/**
 * infra/app.ts step by step, run by the CDK CLI as the app (so with the CLI's context and
 * outdir): each step timed, and inside synth the validation plugins, template rendering and
 * asset staging timed by wrapping their methods. Writes a PhaseReport to BENCH_SYNTH_PHASES_FILE.
 */
async function phases(): Promise<void> {
  const started = performance.now();
  const [cdk, nag, discovery, functionCode, serverlessJobs, stackAssignment] = await Promise.all([
    import('aws-cdk-lib'),
    import('cdk-nag'),
    import('#discovery'),
    import('../infra/function-code'),
    import('../infra/serverless-jobs'),
    import('../infra/index'),
  ]);
  const list: Phase[] = [];
  const step = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const stepStarted = performance.now();
    const result = await work();
    list.push({ name, ms: performance.now() - stepStarted });
    return result;
  };
  list.push({ name: 'node, tsx and this driver start', ms: started });
  list.push({ name: 'load aws-cdk-lib, cdk-nag, infra', ms: performance.now() - started });
  const timings = new Map<string, number>();
  timeCalls(cdk.AssetStaging.prototype, 'calculateHash', 'asset staging: hash', timings);
  timeCalls(cdk.AssetStaging.prototype, 'stageAsset', 'asset staging: copy', timings);
  timeCalls(cdk.Stack.prototype, '_synthesizeTemplate', 'templates: render and write', timings);
  timeCalls(
    cdk.CloudFormationValidatePlugin.prototype,
    'validate',
    'built-in CloudFormation validation plugin',
    timings,
  );
  timeCalls(nag.AwsSolutionsChecks.prototype, 'validate', 'cdk-nag AwsSolutionsChecks', timings);
  timeCalls(nag.ServerlessChecks.prototype, 'validate', 'cdk-nag ServerlessChecks', timings);
  const counters = (
    globalThis as unknown as Record<symbol, { allCounters: PhaseReport['cdkCounters'] }>
  )[Symbol.for('@aws-cdk/core:performanceProfilingState')];

  const { jobs, warnings } = await step('discover and validate jobs', () =>
    discovery.discoverJobs(),
  );
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const app = new cdk.App();
  const appName = app.node.tryGetContext('jobs:appName') ?? 'jobs';
  const previousStackAssignment = stackAssignment.readStackAssignment(
    join(process.cwd(), 'job-stacks.txt'),
  );
  const assignment = stackAssignment.assignJobsToStacks({
    jobNames: jobs.map((source) => source.definition.name),
    ...(previousStackAssignment ? { previous: previousStackAssignment } : {}),
  });
  // What ServerlessJobs does when it is given no code, as a step of its own.
  const code = await step('bundle functions (esbuild, child process)', () =>
    functionCode.bundleJobCode({
      projectRoot: process.cwd(),
      jobs,
      appName,
      stackAssignment: assignment,
    }),
  );
  await step('construct tree, with asset staging', () => {
    const built = new serverlessJobs.ServerlessJobs(app, 'Jobs', {
      jobs,
      appName,
      code,
      ...(previousStackAssignment ? { previousStackAssignment } : {}),
    });
    stackAssignment.settleStackAssignment(
      join(process.cwd(), 'job-stacks.txt'),
      previousStackAssignment,
      built.stackAssignment,
    );
  });
  cdk.Validations.of(app).addPlugins(
    new nag.AwsSolutionsChecks(app),
    new nag.ServerlessChecks(app),
  );
  // Read before synth, which resets the counters when it returns.
  const cdkCounters = counters?.allCounters ?? {};
  await step('app.synth()', () => app.synth());
  for (const [name, ms] of timings) list.push({ name, ms });
  const report: PhaseReport = {
    appStartedAt: performance.timeOrigin,
    appFinishedAt: performance.timeOrigin + performance.now(),
    phases: list,
    cdkCounters,
  };
  await writeFile(process.env.BENCH_SYNTH_PHASES_FILE ?? 'phases.json', JSON.stringify(report));
}
