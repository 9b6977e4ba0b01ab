/**
 * Alarm intake errors. Every `name` is API: Step Functions Retry/Catch clauses and DLQ triage match on it, so
 * never rename one.
 */
export class AlarmError extends Error {
  override name = 'AlarmError';
}

/** One issue found while validating a delivery: where it is and what is wrong. */
export interface AlarmIssue {
  /** Index of the SNS record (0 for single-event shapes). */
  readonly record: number;
  /** Dotted path inside the record (the SNS message is parsed first, so paths there start at the message). */
  readonly path: string;
  readonly message: string;
}

/**
 * A delivery that is not a CloudWatch alarm state change in any of the three shapes AWS uses (EventBridge
 * event, SNS notification, Lambda alarm action), or one with a field that cannot be interpreted (bad timestamp,
 * unknown region, unparsable SNS message). Nothing of the delivery is processed: the handler throws this so
 * the whole delivery lands in the DLQ.
 */
export class MalformedAlarmEventError extends AlarmError {
  override name = 'MalformedAlarmEventError';
  constructor(
    message: string,
    readonly issues: readonly AlarmIssue[],
  ) {
    super(message);
  }
}
