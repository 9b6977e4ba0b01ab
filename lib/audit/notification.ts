import type { Finding } from './finding.js';
import type { AuditReport } from './run-audit.js';

/** The message the audit sends to the notifications queue when it found something. */
export interface AuditNotification {
  readonly kind: 'audit';
  readonly findings: readonly Finding[];
  /** The audit's time: the schedule event's `time`, so a redelivered event yields the same message. */
  readonly at: string;
  /** Findings left out to fit one SQS message (criticals are kept first); absent when none were. */
  readonly omitted?: number;
}

/** Under SQS's 256 KiB message limit, with room for the message attributes. */
export const MAX_NOTIFICATION_BYTES = 240_000;

/**
 * The notification for a report, or undefined when there is nothing to say. Its JSON is a pure function of the
 * report (fixed key order, findings already sorted), which is what lets consumers deduplicate by content. A
 * report too large for one message keeps critical findings first and says how many it left out.
 *
 * @example
 * const message = auditNotification(report);
 * if (message) await notifier.send(message);
 */
export function auditNotification(
  report: Pick<AuditReport, 'findings' | 'at'>,
  maxBytes = MAX_NOTIFICATION_BYTES,
): AuditNotification | undefined {
  if (report.findings.length === 0) return undefined;
  const full: AuditNotification = { kind: 'audit', findings: report.findings, at: report.at };
  if (bytes(full) <= maxBytes) return full;
  const byUrgency = [
    ...report.findings.filter((f) => f.severity === 'critical'),
    ...report.findings.filter((f) => f.severity !== 'critical'),
  ];
  // Envelope with a worst-case `omitted`, then findings while they fit (each costs its JSON plus a comma).
  let size = bytes({ kind: 'audit', findings: [], at: report.at, omitted: report.findings.length });
  const kept: Finding[] = [];
  for (const finding of byUrgency) {
    const cost = bytes(finding) + 1;
    if (size + cost > maxBytes) break;
    kept.push(finding);
    size += cost;
  }
  return { kind: 'audit', findings: kept, at: report.at, omitted: report.findings.length - kept.length };
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** The port the handler sends notifications through (lib/adapters/audit-sources.ts: `SqsAuditNotifier`). */
export interface AuditNotifier {
  send(notification: AuditNotification): Promise<void>;
}
