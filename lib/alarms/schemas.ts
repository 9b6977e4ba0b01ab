import { z } from 'zod';

/**
 * zod schemas for the three shapes CloudWatch delivers alarm state changes in, written from the AWS
 * documentation ("Alarm events and EventBridge", "Invoke a Lambda function from an alarm", SNS alarm
 * notifications). Objects are non-strict: fields AWS adds later are tolerated (and dropped), fields we rely on
 * are required.
 */
export const alarmStateValueSchema = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const nonEmpty = z.string().min(1);

/** `state` / `previousState` of the EventBridge and Lambda-action shapes. */
export const alarmStateSchema = z.object({
  value: alarmStateValueSchema,
  reason: z.string().default(''),
  reasonData: z.string().optional(),
  timestamp: nonEmpty,
  actionsSuppressedBy: z.string().optional(),
  actionsSuppressedReason: z.string().optional(),
});

/** One entry of `configuration.metrics`: a metric (`metricStat`) or a math expression. */
export const metricDataQuerySchema = z.object({
  id: z.string(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: nonEmpty,
        name: nonEmpty,
        dimensions: z.record(z.string(), z.string()).optional(),
      }),
      period: z.number().optional(),
      stat: z.string().optional(),
      unit: z.string().optional(),
    })
    .optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

/** Metric and metric-math alarms carry `metrics`; composite alarms carry `alarmRule`. */
export const alarmConfigurationSchema = z
  .object({
    description: z.string().nullish(),
    metrics: z.array(metricDataQuerySchema).optional(),
    alarmRule: z.string().optional(),
    actionsSuppressor: z.string().optional(),
  })
  .refine((c) => c.metrics !== undefined || c.alarmRule !== undefined, {
    message: 'configuration has neither metrics nor alarmRule',
  });

/** EventBridge `CloudWatch Alarm State Change` event. */
export const eventBridgeAlarmEventSchema = z.object({
  version: z.string().optional(),
  id: nonEmpty,
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: nonEmpty,
  time: z.string().optional(),
  region: nonEmpty,
  resources: z.array(nonEmpty).min(1),
  detail: z.object({
    alarmName: nonEmpty,
    state: alarmStateSchema,
    previousState: alarmStateSchema,
    configuration: alarmConfigurationSchema,
  }),
});
export type EventBridgeAlarmEvent = z.infer<typeof eventBridgeAlarmEventSchema>;

/** Payload CloudWatch sends when an alarm action invokes a Lambda function directly. */
export const lambdaAlarmActionSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: nonEmpty,
  accountId: nonEmpty,
  time: z.string().optional(),
  region: nonEmpty,
  alarmData: z.object({
    alarmName: nonEmpty,
    state: alarmStateSchema,
    previousState: alarmStateSchema,
    configuration: alarmConfigurationSchema,
  }),
});
export type LambdaAlarmAction = z.infer<typeof lambdaAlarmActionSchema>;

const snsDimensionSchema = z.object({ name: nonEmpty, value: z.string() });

/** The JSON document inside `Records[].Sns.Message` of an SNS alarm notification. */
export const snsAlarmMessageSchema = z.object({
  AlarmName: nonEmpty,
  AlarmDescription: z.string().nullish(),
  AWSAccountId: nonEmpty,
  NewStateValue: alarmStateValueSchema,
  NewStateReason: z.string().default(''),
  StateChangeTime: nonEmpty,
  Region: nonEmpty,
  AlarmArn: nonEmpty.optional(),
  OldStateValue: alarmStateValueSchema,
  AlarmRule: z.string().optional(),
  Trigger: z
    .object({
      MetricName: z.string().nullish(),
      Namespace: z.string().nullish(),
      Dimensions: z.array(snsDimensionSchema).nullish(),
      Metrics: z
        .array(
          z.object({
            Id: z.string(),
            Expression: z.string().optional(),
            Label: z.string().optional(),
            ReturnData: z.boolean().optional(),
            MetricStat: z
              .object({
                Metric: z.object({
                  MetricName: nonEmpty,
                  Namespace: nonEmpty,
                  Dimensions: z.array(snsDimensionSchema).nullish(),
                }),
              })
              .optional(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});
export type SnsAlarmMessage = z.infer<typeof snsAlarmMessageSchema>;

/** The Lambda SNS event envelope; each record's `Message` is validated separately (it is a JSON string). */
export const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.string().optional(),
        Sns: z.object({
          MessageId: z.string().optional(),
          Message: z.string(),
        }),
      }),
    )
    .min(1),
});
