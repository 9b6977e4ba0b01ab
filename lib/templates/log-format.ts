import { InvalidLogFormatError } from './errors.js';

/** A compiled line format: which named fields a line has, and how to pull them out. */
export interface LogFormat {
  readonly regex: RegExp;
  readonly fields: readonly string[];
}

/** The format used when none is given: the whole line is the message. */
export const WHOLE_LINE_FORMAT = '<Content>';

/**
 * Compiles a Loghub-style line format (`<Date> <Time> <Level> <Component>: <Content>`) into a regex with one
 * lazily matching named group per `<Field>`. Text between fields is regex source, as in Loghub's own formats
 * (`sshd\[<Pid>\]`), except that a run of spaces matches any run of whitespace. `Content` is the message to mine.
 *
 * @throws InvalidLogFormatError when the format has no `<Content>` field or does not compile.
 * @example
 * ```ts
 * const f = compileLogFormat('<Date> <Time> <Level> <Component>: <Content>');
 * parseLine(f, '2024-01-01 10:00:00 INFO db: ready')?.Content; // 'ready'
 * ```
 */
export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const fields: string[] = [];
  let source = '';
  parts.forEach((part, k) => {
    if (k % 2 === 0) {
      source += part.replace(/ +/g, '\\s+');
      return;
    }
    const field = part.slice(1, -1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field) || fields.includes(field)) {
      throw new InvalidLogFormatError(
        `invalid or repeated field ${part} in format ${JSON.stringify(format)}`,
      );
    }
    fields.push(field);
    source += `(?<${field}>.*?)`;
  });
  if (!fields.includes('Content')) {
    throw new InvalidLogFormatError(`format ${JSON.stringify(format)} has no <Content> field`);
  }
  return { regex: compileLineRegex(`^${source}$`), fields };
}

/**
 * Wraps a ready-made line regex (named groups, one of them `Content`), such as Loghub's `line_regex`.
 *
 * @throws InvalidLogFormatError when it does not compile or has no `Content` group.
 * @example
 * ```ts
 * const f = fromLineRegex('^(?<Level>\\w+) (?<Content>.*)$');
 * ```
 */
export function fromLineRegex(source: string): LogFormat {
  const regex = compileLineRegex(source);
  const fields = [...source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] as string);
  if (!fields.includes('Content'))
    throw new InvalidLogFormatError(`line regex ${source} has no Content group`);
  return { regex, fields };
}

/**
 * The named fields of one line, or undefined when the line does not match the format. A trailing `\r` (CRLF
 * files) is dropped first.
 *
 * @example
 * ```ts
 * parseLine(compileLogFormat('<Content>'), 'anything')?.Content; // 'anything'
 * ```
 */
export function parseLine(format: LogFormat, line: string): Record<string, string> | undefined {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const groups = format.regex.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const field of format.fields) out[field] = groups[field] ?? '';
  return out;
}

function compileLineRegex(source: string): RegExp {
  try {
    return new RegExp(source, 's');
  } catch (error) {
    throw new InvalidLogFormatError(`line format does not compile: ${(error as Error).message}`);
  }
}
