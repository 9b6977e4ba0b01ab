import { Command, Option } from 'commander';
import { runDrill, scenarios } from '../../lib/drill/drill.js';

/** `faultline drill` (what `npm start` runs): a fault drill on the embedded runtime. */
export function drillCommand(): Command {
  return new Command('drill')
    .description('run a fault drill on the embedded local runtime and print its timeline')
    .addOption(
      new Option('--scenario <name>', 'which fault to inject')
        .choices(Object.keys(scenarios))
        .default('crash'),
    )
    .option('--seed <n>', 'seed for the simulated traffic', (v) => Number.parseInt(v, 10), 7)
    .option('--json', 'end with one JSON line of results (the timeline goes to stderr)')
    .option(
      '--endpoint <url>',
      'use DynamoDB and SQS at this endpoint (LocalStack) instead of the embedded ones',
    )
    .action(async (options: { scenario: string; seed: number; json?: boolean; endpoint?: string }) => {
      const print = options.json
        ? (line: string) => console.error(line)
        : (line: string) => console.log(line);
      print(
        `Faultline drill: scenario '${options.scenario}' — ${scenarios[options.scenario]?.description ?? ''}`,
      );
      const result = await runDrill({
        scenario: options.scenario,
        seed: options.seed,
        onLine: print,
        endpoint: options.endpoint,
      });
      if (options.json) {
        console.log(JSON.stringify(result));
      } else {
        console.log('');
        console.log(result.recovered ? 'Recovered.' : 'NOT recovered.');
        console.log(`  incident   ${result.incidentId ?? '-'}`);
        console.log(`  suspect    ${result.suspect ?? '-'}`);
        console.log(`  MTTD       ${seconds(result.mttdMs)} (simulated)`);
        console.log(`  MTTR       ${seconds(result.mttrMs)} (simulated)`);
        console.log(`  wall time  ${result.wallMs} ms`);
        console.log(
          `  DynamoDB   ${result.ddbRequests} requests ${JSON.stringify(result.ddbRequestsByFunction)}`,
        );
        console.log(`  steps      ${result.steps.join(' → ')}`);
        for (const [key, value] of Object.entries(result)) {
          if (COMMON_FIELDS.has(key)) continue;
          console.log(`  ${key}: ${JSON.stringify(value).slice(0, 200)}`);
        }
      }
      if (!result.recovered && options.scenario === 'crash') process.exitCode = 1;
    });
}

const COMMON_FIELDS = new Set([
  'scenario',
  'recovered',
  'incidentId',
  'suspect',
  'mttdMs',
  'mttrMs',
  'wallMs',
  'ddbRequests',
  'ddbRequestsByFunction',
  'steps',
]);

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(0)} s`);
