// `jobctl import` of a legacy scheduler's export: parsing and converting 10,000 rows, as a large
// SQL Agent or Quartz estate would export them. Target: well under 3 s of CPU time (CPU rather
// than wall time, so that other work on the machine does not count).
import { convertLegacyJobs, parseLegacyExport } from '../cli/legacy-import';
import { median, report } from './report';

const ROWS = Number(process.env.ROWS ?? 10_000);
const RUNS = 5;
const HEADER =
  'ID,JobName,CronExpression,StoredProcName,IsActive,LastRun,NextRun,LastResult,FailureCount,EmailOnFailure';

function exportText(rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, index) =>
      `${index + 1},"Report ${index % 2_000}, region ${index % 7}",${index % 60} ${index % 24} * * *,usp_Report${index},${index % 5 === 0 ? 0 : 1},,,,,${index % 3 === 0 ? 1 : 0}`,
  );
  return [HEADER, ...lines].join('\r\n');
}

function main(): void {
  const text = exportText(ROWS);
  const cpuMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let progressCalls = 0;
    const started = process.cpuUsage();
    const result = convertLegacyJobs(parseLegacyExport(text, 'csv'), {
      onProgress: () => {
        progressCalls += 1;
      },
    });
    const { user, system } = process.cpuUsage(started);
    cpuMs.push((user + system) / 1000);
    if (result.jobs.length !== ROWS || progressCalls !== ROWS) {
      throw new Error(
        `converted ${result.jobs.length} of ${ROWS} rows, ${progressCalls} progress calls`,
      );
    }
  }

  process.stdout.write(`\nLegacy import of an export of ${ROWS} rows (parse and convert)\n`);
  report('first run (cold), CPU time', cpuMs[0] ?? 0, 'ms', 'target: < 3000 ms');
  report(`median of the next ${RUNS - 1} runs, CPU time`, median(cpuMs.slice(1)), 'ms');
  report('per row (median)', (median(cpuMs.slice(1)) * 1000) / ROWS, 'µs');
}

main();
