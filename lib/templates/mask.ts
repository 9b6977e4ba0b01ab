/** The placeholder every variable part of a template is replaced with (Loghub convention). */
export const WILDCARD = '<*>';

/**
 * One pass over the message replaces the spans that are variable in practically every log source. Earlier
 * alternatives win at the same position. Every alternative refuses to start inside a word, and the replacement
 * is a constant, which keeps this at a few hundred thousand lines a second.
 */
const VARIABLE_SPAN = new RegExp(
  [
    // scheme://anything, up to a closing bracket or quote
    String.raw`(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s\]\)'",]+`,
    // ISO 8601 date-time: 2024-05-01T10:00:00.123Z, 2024-05-01 10:00:00,123
    String.raw`(?<![\w.-])\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?`,
    // syslog / ctime date-time: [Sat ]Jun 18 02:08:10[ 2005]
    String.raw`(?<![\w.-])(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d{1,2},? +(?:\d{4} +)?\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?: +\d{4}(?!\d))?`,
    // other numeric dates and clock times: 17/06/09, 2016-9-27, 20:10:40.123 (one value each, not three numbers)
    String.raw`(?<![\w.\/:-])\d{1,4}([\/-])\d{1,2}\1\d{1,4}(?![\w\/-])`,
    String.raw`(?<![\w.:-])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?![\w:])`,
    // IPv4 with optional leading slash (Java's InetAddress.toString) and port: one value, not four numbers
    String.raw`(?<![\w.-])\/?(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w.])`,
    // Unix paths of two or more segments, Windows paths
    String.raw`(?<![\w.\/-])(?:\/[\w.@%+~-]+){2,}\/?`,
    String.raw`(?<![\w.-])[A-Za-z]:\\[^\s,;'"]*`,
    // quoted value of key="...", which may hold spaces
    `(?<==")[^"]*(?=")`,
    // a size with its unit: 12.5 KB is one value
    String.raw`(?<![\w.-])\d+(?:\.\d+)? ?(?:[KMGTP]i?B|B|bytes)\b`,
    // Literals that are values wherever they stand alone: booleans, null, long hex without digits (ffffffff).
    String.raw`(?<![\w.-])(?:true|false|null|True|False|Null|TRUE|FALSE|NULL|[0-9a-fA-F]{8,})(?![\w.-])`,
    // Any run of word characters and dashes holding a digit, with its dotted continuation: numbers, versions,
    // ids, `15ms`, `blk_-42`, `dn228`, UUIDs, hashes — digits are the one signal that holds across every
    // source. It may start after a dot, so `core.2275` keeps its fixed prefix (`core.<*>`). Names ending in one
    // digit (`ssh2`, `eth0`, `log4j`-like names excepted) stay: they are usually fixed.
    String.raw`(?<![\w-])(?![A-Za-z]{2,}\d(?![\w.-]))[\w-]*\d[\w-]*(?:\.[\w-]+)*`,
  ].join('|'),
  'g',
);

/** Whitespace of any length separates tokens; templates are rebuilt with single spaces. */
const WHITESPACE = /\s+/;

/**
 * Masks the variable spans of one message and splits it into tokens.
 *
 * @example
 * ```ts
 * tokenize('Received block blk_-1608 of size 91178 from /10.250.10.6');
 * // ['Received', 'block', '<*>', 'of', 'size', '<*>', 'from', '<*>']
 * ```
 */
export function tokenize(message: string): string[] {
  const masked = message.replace(VARIABLE_SPAN, WILDCARD).trim();
  if (masked === '') return [];
  return masked.split(WHITESPACE);
}

/**
 * Masks the variable spans of one message, keeping its whitespace; the building block of {@link tokenize},
 * exported for callers that want a readable masked line.
 *
 * @example
 * ```ts
 * maskVariables('uid=0 euid=0 rhost=218.188.2.4'); // 'uid=<*> euid=<*> rhost=<*>'
 * ```
 */
export function maskVariables(message: string): string {
  return message.replace(VARIABLE_SPAN, WILDCARD);
}
