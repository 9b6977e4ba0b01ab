import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { compileLogFormat, parseLine, TemplateMiner, WHOLE_LINE_FORMAT } from '../../lib/templates/index.js';

export interface TemplatesOptions {
  readonly format?: string;
  readonly assignments?: boolean;
  readonly json?: boolean;
}

/**
 * Mines the templates of a sequence of lines and writes the report: templates with counts (text or `--json`), or
 * with `assignments` one JSON line per input line, `{ "line": n, "template": "..." }`, n 1-based. Assignments
 * show each line's final template (after the whole file was mined), so lines of one event read the same.
 * Lines that do not match the format, and blank lines, get `"template": null`.
 *
 * @example
 * ```ts
 * await mineTemplates(['a 1', 'a 2'], { assignments: true }, (s) => process.stdout.write(s));
 * // {"line":1,"template":"a <*>"}
 * // {"line":2,"template":"a <*>"}
 * ```
 */
export async function mineTemplates(
  lines: AsyncIterable<string> | Iterable<string>,
  options: TemplatesOptions,
  write: (chunk: string) => void,
): Promise<void> {
  const format = compileLogFormat(options.format ?? WHOLE_LINE_FORMAT);
  const miner = new TemplateMiner();
  // Cluster id per line (0 = not mined); ids resolve to their final template once the file is done.
  const assigned: number[] = [];
  let unmatched = 0;
  for await (const line of lines) {
    const content = parseLine(format, line)?.Content;
    if (content === undefined || content.trim() === '') {
      unmatched++;
      assigned.push(0);
      continue;
    }
    assigned.push(miner.add(content).clusterId);
  }
  if (options.assignments) {
    assigned.forEach((id, i) => {
      const template = id === 0 ? null : (miner.template(id) ?? null);
      write(`${JSON.stringify({ line: i + 1, template })}\n`);
    });
    return;
  }
  const templates = miner.templates();
  if (options.json) {
    const list = templates.map(({ template, count }) => ({ template, count }));
    write(`${JSON.stringify({ lines: assigned.length, unmatched, templates: list })}\n`);
    return;
  }
  for (const { template, count } of templates) write(`${String(count).padStart(8)}  ${template}\n`);
  write(
    `${templates.length} templates from ${assigned.length - unmatched} lines (${unmatched} not matching)\n`,
  );
}

/**
 * `faultline templates FILE [--format '<Date> <Time> <Level> <Component>: <Content>'] [--assignments] [--json]`
 *
 * @example
 * ```ts
 * program.addCommand(templatesCommand());
 * ```
 */
export function templatesCommand(write: (chunk: string) => void = (s) => process.stdout.write(s)): Command {
  return new Command('templates')
    .description(
      'mine log templates from FILE with the default miner configuration and print them with counts',
    )
    .argument('<file>', 'log file, one line per event')
    .option(
      '--format <format>',
      "line format; <Content> is the message, e.g. '<Date> <Time> <Level> <Component>: <Content>'",
      WHOLE_LINE_FORMAT,
    )
    .option('--assignments', 'print { "line": n, "template": ... } for every input line (JSON lines)')
    .option('--json', 'print the templates as one JSON object')
    .action(async (file: string, options: TemplatesOptions) => {
      const lines = createInterface({
        input: createReadStream(file, 'utf8'),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      await mineTemplates(lines, options, write);
    });
}
