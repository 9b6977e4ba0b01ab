import { z } from 'zod';

/**
 * Step parameters in rules may refer to the incident: `{{alarmName}}`, `{{namespace}}`, `{{resource}}`,
 * `{{suspect}}` (the top localization suspect) and `{{dimensions.Name}}`, optionally through one filter:
 * `|qualifier` (the part after the last `:`, e.g. the alias in Lambda's `Resource` dimension `fn:live`) or
 * `|base` (the part before the first `:`).
 */
export interface TemplateScope {
  readonly alarmName: string;
  readonly namespace?: string | undefined;
  readonly resource?: string | undefined;
  readonly suspect?: string | undefined;
  readonly dimensions: Readonly<Record<string, string>>;
}

const EXPRESSION = /\{\{\s*([A-Za-z]+)(?:\.([^|{}\s]+))?\s*(?:\|\s*([A-Za-z]+)\s*)?\}\}/g;
const ROOTS = new Set(['alarmName', 'namespace', 'resource', 'suspect', 'dimensions']);
const FILTERS = new Set(['qualifier', 'base']);

/** Problems with the template expressions in `text` (empty when it is valid). */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(EXPRESSION)) {
    const [whole, root = '', path, filter] = match;
    if (!ROOTS.has(root)) problems.push(`unknown variable "${root}" in ${whole}`);
    else if (root === 'dimensions' && path === undefined)
      problems.push(`${whole} needs a name: {{dimensions.Name}}`);
    else if (root !== 'dimensions' && path !== undefined) problems.push(`"${root}" has no fields (${whole})`);
    if (filter !== undefined && !FILTERS.has(filter)) problems.push(`unknown filter "${filter}" in ${whole}`);
  }
  // Braces left after removing valid expressions are typos such as `{{suspect}` or `{suspect}}`.
  if (/\{\{|\}\}/.test(text.replace(EXPRESSION, ''))) problems.push(`unbalanced "{{ }}" in "${text}"`);
  return problems;
}

/** True when `text` contains at least one template expression. */
export function isTemplated(text: string): boolean {
  return /\{\{/.test(text);
}

/**
 * Resolves every expression in `text` against `scope`; `undefined` when a variable is missing, resolves to an
 * empty string, or resolves to something containing `{{`/`}}` (the runbook is then skipped: it cannot be aimed
 * at anything).
 *
 * @example
 * resolveTemplate('{{dimensions.Resource|qualifier}}', { alarmName: 'a', dimensions: { Resource: 'fn:live' } }); // 'live'
 */
export function resolveTemplate(text: string, scope: TemplateScope): string | undefined {
  let missing = false;
  const out = text.replace(EXPRESSION, (_whole, root: string, path: string | undefined, filter?: string) => {
    const value = lookup(scope, root, path);
    const filtered = value === undefined ? undefined : applyFilter(value, filter);
    // A value that itself looks like a template (from an alarm dimension) is refused: no template injection.
    if (filtered === undefined || filtered === '' || /\{\{|\}\}/.test(filtered)) {
      missing = true;
      return '';
    }
    return filtered;
  });
  return missing ? undefined : out;
}

/** `text` with every expression replaced by `*`: the IAM resource pattern for a name known only at run time. */
export function templateWildcard(text: string): string {
  return text.replace(EXPRESSION, '*').replace(/\*+/g, '*');
}

function lookup(scope: TemplateScope, root: string, path: string | undefined): string | undefined {
  switch (root) {
    case 'alarmName':
      return scope.alarmName;
    case 'namespace':
      return scope.namespace;
    case 'resource':
      return scope.resource;
    case 'suspect':
      return scope.suspect;
    case 'dimensions':
      return path === undefined || !Object.hasOwn(scope.dimensions, path)
        ? undefined
        : scope.dimensions[path];
    default:
      return undefined;
  }
}

function applyFilter(value: string, filter: string | undefined): string | undefined {
  if (filter === undefined) return value;
  if (filter === 'qualifier') {
    const at = value.lastIndexOf(':');
    return at < 0 ? undefined : value.slice(at + 1);
  }
  if (filter === 'base') return value.split(':')[0];
  return undefined;
}

/** A non-empty string parameter that may contain template expressions (checked, with clear messages). */
export const templatable = () =>
  z
    .string()
    .min(1)
    .max(256)
    .superRefine((text, ctx) => {
      for (const problem of templateProblems(text)) ctx.addIssue({ code: 'custom', message: problem });
    });
