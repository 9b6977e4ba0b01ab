/**
 * The ports the audit reads through. Each returns plain data; the adapters in lib/adapters/audit-sources.ts
 * implement them with DynamoDB Scan, CloudWatch DescribeAlarms and SQS GetQueueAttributes, and tests hand the
 * checks literal arrays.
 */

/** One lease or semaphore-slot item of the coordination table (see lib/adapters/dynamodb-lease-store.ts). */
export interface LeaseItem {
  /** The leased resource, or the semaphore pool name when `slot` is set. */
  readonly resource: string;
  readonly slot?: number;
  readonly token: number;
  readonly nonce: string;
  readonly owner: string;
  readonly beat: number;
  readonly released: boolean;
  readonly leaseMs: number;
  /** The holder's wall-clock expiry as it last wrote it (acquire or renew). 0 when the item has none. */
  readonly holderExpiresAtWallMs: number;
}

/** One ring item of the ring table (see lib/adapters/dynamodb-ring-store.ts), members still encoded. */
export interface RingItem {
  readonly ringId: string;
  readonly version: number;
  /** `encodeMembers` output; decoded by the check, so a corrupt item becomes a finding instead of a crash. */
  readonly encodedMembers: string;
  /** ISO time of the last membership change, when recorded. */
  readonly updatedAt?: string;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** A CloudWatch alarm, reduced to what the coverage checks read. */
export interface AlarmItem {
  readonly name: string;
  readonly type: 'metric' | 'composite';
  readonly state: AlarmState;
  /** When the alarm last changed state (epoch ms), when known. */
  readonly stateSinceMs?: number;
  /** Dimensions of every metric the alarm evaluates (metric math included); empty for composite alarms. */
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
}

/** Approximate message counts of one queue (SQS GetQueueAttributes). */
export interface QueueDepth {
  readonly url: string;
  /** ApproximateNumberOfMessages: available for retrieval. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received by someone, not yet deleted. */
  readonly inFlight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  readonly delayed: number;
}

export interface LeaseItemSource {
  /** Every lease and semaphore-slot item (released ones included). */
  listLeaseItems(): Promise<LeaseItem[]>;
}

export interface RingItemSource {
  listRings(): Promise<RingItem[]>;
}

export interface AlarmSource {
  /** Every metric and composite alarm in the account and region. */
  listAlarms(): Promise<AlarmItem[]>;
}

export interface QueueDepthSource {
  queueDepth(url: string): Promise<QueueDepth>;
}
