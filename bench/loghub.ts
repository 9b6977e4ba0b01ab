/**
 * Loghub accuracy and speed benchmark for the template miner's single default configuration.
 *
 *   npm run bench:loghub -- --data ../shared/loghub [--json] [--system HDFS] [--errors 5] [--whole-line]
 *
 * Layout: one folder per system `<S>/` holding `<S>_2k.log` (any `*.log`) and its ground truth
 * `<S>_2k.log_structured_corrected.csv` (or `_structured.csv`): `LineId, <fields...>, EventId, EventTemplate`.
 * The line format comes from `formats.json` (`line_regex`, else `log_format`), else the whole line is the message.
 * Lines that do not match the format are skipped, as the published evaluations do.
 *
 * Metrics (as in the Loghub README): GA — a predicted group is correct when it holds exactly the lines of one
 * ground-truth group (same EventId); GA = lines in correct groups / all lines. PA — share of lines whose predicted
 * template equals the ground-truth EventTemplate exactly. lines/s — the miner alone (no I/O, no line-format
 * parsing) on one core, measured in process CPU time.
 * Prints figures only; never fails on them. Last line of output is one JSON object.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  compileLogFormat,
  fromLineRegex,
  groupingAccuracy,
  type LogFormat,
  parseLine,
  parsingAccuracy,
  TemplateMiner,
  WHOLE_LINE_FORMAT,
} from '../lib/templates/index.js';

interface SystemResult {
  ga: number;
  pa: number;
  linesPerSec: number;
}

interface Dataset {
  name: string;
  contents: string[];
  eventIds: string[];
  templates: string[];
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/loghub' },
    json: { type: 'boolean', default: false },
    system: { type: 'string', multiple: true },
    errors: { type: 'string', default: '0' },
    'min-ms': { type: 'string', default: '300' },
    // Robustness check: ignore formats.json and mine whole lines, as when a log group's format is unknown.
    'whole-line': { type: 'boolean', default: false },
  },
});

const dataDir = values.data as string;
const showErrors = Number(values.errors);
const minMs = Number(values['min-ms']);
const formats = readFormats(join(dataDir, 'formats.json'));

const systems: Record<string, SystemResult> = {};
const names = readdirSync(dataDir)
  .filter((name) => statSync(join(dataDir, name)).isDirectory())
  .filter((name) => values.system === undefined || values.system.includes(name))
  .sort();

for (const name of names) {
  const dataset = loadDataset(join(dataDir, name), name);
  if (dataset === undefined) continue;
  const assigned = mine(dataset.contents);
  const ga = groupingAccuracy(dataset.eventIds, assigned.clusterIds);
  const pa = parsingAccuracy(dataset.templates, assigned.templates);
  const linesPerSec = throughput(dataset.contents);
  systems[name] = { ga: round(ga), pa: round(pa), linesPerSec: Math.round(linesPerSec) };
  console.log(
    `${name.padEnd(14)} lines ${String(dataset.contents.length).padStart(6)}  GA ${ga.toFixed(4)}  PA ${pa.toFixed(4)}  ` +
      `${Math.round(linesPerSec).toLocaleString('en-US')} lines/s  templates ${assigned.templateCount}`,
  );
  if (showErrors > 0) printErrors(dataset, assigned, showErrors);
}

const results = Object.values(systems);
const mean = (pick: (r: SystemResult) => number) =>
  results.length === 0 ? 0 : results.reduce((sum, r) => sum + pick(r), 0) / results.length;
const average = {
  ga: round(mean((r) => r.ga)),
  pa: round(mean((r) => r.pa)),
  linesPerSec: Math.round(mean((r) => r.linesPerSec)),
};
console.log(
  `${'average'.padEnd(14)} systems ${results.length}  GA ${average.ga.toFixed(4)}  PA ${average.pa.toFixed(4)}  ` +
    `${average.linesPerSec.toLocaleString('en-US')} lines/s`,
);
// --json is accepted for symmetry with the other benches: the JSON summary is always the last line.
console.log(JSON.stringify({ systems, average }));

function readFormats(path: string): Record<string, { line_regex?: string; log_format?: string }> {
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8'));
}

function formatFor(name: string): LogFormat {
  if (values['whole-line']) return compileLogFormat(WHOLE_LINE_FORMAT);
  const entry = formats[name];
  if (entry?.line_regex !== undefined) return fromLineRegex(entry.line_regex);
  if (entry?.log_format !== undefined) return compileLogFormat(entry.log_format);
  return compileLogFormat(WHOLE_LINE_FORMAT);
}

function loadDataset(dir: string, name: string): Dataset | undefined {
  const files = readdirSync(dir);
  const log = files.find((f) => f === `${name}_2k.log`) ?? files.find((f) => f.endsWith('.log'));
  if (log === undefined) return undefined;
  const truth = [`${log}_structured_corrected.csv`, `${log}_structured.csv`].find((f) => files.includes(f));
  if (truth === undefined) return undefined;
  const format = formatFor(name);
  const contents: string[] = [];
  for (const line of readFileSync(join(dir, log), 'utf8').split('\n')) {
    if (line === '' || line === '\r') continue;
    const fields = parseLine(format, line);
    if (fields !== undefined) contents.push(fields.Content ?? '');
  }
  const rows = parseCsv(readFileSync(join(dir, truth), 'utf8'));
  const header = rows.shift() ?? [];
  const eventIdAt = header.indexOf('EventId');
  const templateAt = header.indexOf('EventTemplate');
  if (eventIdAt < 0 || templateAt < 0) throw new Error(`${truth}: no EventId/EventTemplate column`);
  const eventIds = rows.map((r) => r[eventIdAt] ?? '');
  const templates = rows.map((r) => r[templateAt] ?? '');
  if (eventIds.length !== contents.length) {
    console.error(
      `${name}: ${contents.length} lines match the format but the ground truth has ${eventIds.length}`,
    );
    const n = Math.min(eventIds.length, contents.length);
    contents.length = n;
    eventIds.length = n;
    templates.length = n;
  }
  return { name, contents, eventIds, templates };
}

function mine(contents: readonly string[]) {
  const miner = new TemplateMiner();
  const assigned = contents.map((c) => miner.add(c).clusterId);
  // Lines keep the id they got; merges later point it at the surviving template.
  const clusterIds = assigned.map((id) => miner.resolve(id) ?? id);
  // Templates are read at the end: a cluster's template is its final generalization, as in the published runs.
  const templates = clusterIds.map((id) => miner.template(id) ?? '');
  return { clusterIds, templates, templateCount: miner.size };
}

function throughput(contents: readonly string[]): number {
  const once = () => {
    const miner = new TemplateMiner();
    for (const c of contents) miner.add(c);
  };
  once(); // warm up the JIT
  // CPU time of this process rather than wall time: the figure is the miner's rate on one core even when other
  // work shares the machine (GC helper threads count too, which only makes it conservative).
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let lines = 0;
  const start = cpuMs();
  do {
    once();
    lines += contents.length;
  } while (cpuMs() - start < minMs);
  return (lines / (cpuMs() - start)) * 1000;
}

function printErrors(dataset: Dataset, assigned: ReturnType<typeof mine>, limit: number): void {
  const byEvent = new Map<string, Set<number>>();
  dataset.eventIds.forEach((e, i) => {
    const s = byEvent.get(e) ?? new Set<number>();
    s.add(assigned.clusterIds[i] as number);
    byEvent.set(e, s);
  });
  const byCluster = new Map<number, Set<string>>();
  assigned.clusterIds.forEach((c, i) => {
    const s = byCluster.get(c) ?? new Set<string>();
    s.add(dataset.eventIds[i] as string);
    byCluster.set(c, s);
  });
  let shown = 0;
  for (const [event, clusters] of byEvent) {
    if (clusters.size <= 1 || shown >= limit) continue;
    shown++;
    const i = dataset.eventIds.indexOf(event);
    console.log(`  SPLIT ${event} "${dataset.templates[i]}" into ${clusters.size}:`);
    for (const c of [...clusters].slice(0, 4))
      console.log(`      ${assigned.templates[assigned.clusterIds.indexOf(c)]}`);
  }
  shown = 0;
  for (const [cluster, events] of byCluster) {
    if (events.size <= 1 || shown >= limit) continue;
    shown++;
    console.log(
      `  MERGED "${assigned.templates[assigned.clusterIds.indexOf(cluster)]}" holds ${events.size}:`,
    );
    for (const e of [...events].slice(0, 4))
      console.log(`      ${dataset.templates[dataset.eventIds.indexOf(e)]}`);
  }
  const wrong = new Map<string, string>();
  dataset.templates.forEach((t, i) => {
    if (assigned.templates[i] !== t && !wrong.has(t)) wrong.set(t, assigned.templates[i] as string);
  });
  for (const [t, p] of [...wrong].slice(0, limit)) console.log(`  PA truth ${t}\n         got  ${p}`);
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
