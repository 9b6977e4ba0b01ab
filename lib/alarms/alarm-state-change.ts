/** The three alarm states CloudWatch knows. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Which delivery shape a state change came in. */
export type AlarmDeliveryShape = 'eventbridge' | 'sns' | 'lambda';

/**
 * One alarm state change, the same whichever shape delivered it. Two deliveries of the same change (any
 * shapes) agree on `alarmArn`, `state` and `stateChangedAt`, which is what intake deduplicates on.
 */
export interface AlarmStateChange {
  readonly shape: AlarmDeliveryShape;
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly account: string;
  /** Region code (`eu-west-1`), also for SNS notifications, which name the region for humans. */
  readonly region: string;
  readonly alarmKind: 'metric' | 'composite';
  readonly state: AlarmStateValue;
  readonly previousState: AlarmStateValue;
  readonly reason: string;
  /** When CloudWatch changed the alarm's state (epoch ms): the ordering key for out-of-order deliveries. */
  readonly stateChangedAt: number;
  /** Shared namespace of the alarm's metrics; absent for composite alarms or mixed namespaces. */
  readonly namespace?: string;
  /** The alarm's metric when it watches one metric name; absent otherwise. */
  readonly metricName?: string;
  /** Dimensions common to every metric of the alarm (see `resourceIdFor`). */
  readonly dimensions: Readonly<Record<string, string>>;
  /** The resource the alarm watches (see `resourceIdFor`): at most one open incident per resource. */
  readonly resourceId: string;
  /** Set by CloudWatch when a composite alarm's actions are suppressed (`Alarm`, `WaitPeriod`, `ExtensionPeriod`). */
  readonly actionsSuppressedBy?: string;
}
