/**
 * Audit errors. `name` is API (logs and alarms match on it), so never rename one. Findings are not errors: a
 * check returns them as values.
 */
export class AuditError extends Error {
  override name = 'AuditError';
}

/** The audit's configuration (environment or options) is invalid; the message names the setting and the value. */
export class AuditConfigError extends AuditError {
  override name = 'AuditConfigError';
}

/**
 * An audit data source (a table scan, DescribeAlarms, GetQueueAttributes) failed. `source` says which; `code` is
 * the underlying error's name (e.g. `AccessDeniedException`), so nothing above the adapters needs SDK classes.
 */
export class AuditSourceError extends AuditError {
  override name = 'AuditSourceError';
  constructor(
    message: string,
    readonly source: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
