import { MissingRunbookPortError } from '../errors.js';
import type { RunbookPorts } from '../ports.js';

/** The port a step needs, or a clear error naming it. */
export function requirePort<K extends keyof RunbookPorts>(
  ports: RunbookPorts,
  key: K,
  kind: string,
): NonNullable<RunbookPorts[K]> {
  const port = ports[key];
  if (port === undefined)
    throw new MissingRunbookPortError(`Step ${kind} needs the "${key}" port; none was given`);
  return port as NonNullable<RunbookPorts[K]>;
}
