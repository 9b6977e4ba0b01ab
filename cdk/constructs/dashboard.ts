import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface FaultlineDashboardProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** @default 'Faultline' */
  readonly dashboardName?: string;
}

const faultline = (metricName: string, statistic = 'Sum') =>
  new cloudwatch.Metric({
    namespace: 'Faultline',
    metricName,
    dimensionsMap: { service: 'faultline' },
    statistic,
    period: Duration.minutes(5),
  });

/** Incidents opened/resolved/escalated, time to recover, lease contention, audit findings and DLQ depth. */
export class FaultlineDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: FaultlineDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Incidents',
        left: [faultline('IncidentsOpened'), faultline('IncidentsResolved'), faultline('IncidentsEscalated')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Time to recover (ms)',
        left: [faultline('TimeToRecover', 'Average'), faultline('TimeToRecover', 'p90')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lease contention and duplicates',
        left: [
          faultline('LeaseContention'),
          faultline('DuplicateAlarmDeliveries'),
          faultline('DuplicateLogBatches'),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Recovery executions',
        left: [
          props.stateMachine.metricSucceeded(),
          props.stateMachine.metricFailed(),
          props.stateMachine.metricTimedOut(),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
        ),
        width: 12,
      }),
    );
  }
}
