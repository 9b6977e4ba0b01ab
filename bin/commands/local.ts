import { Command } from 'commander';
import { type AlarmStateChange, eventBridgeAlarmEvent } from '../../lib/local/cloudwatch/alarm-events.js';
import { startLocalRuntime } from '../../lib/local/runtime.js';

/** `faultline local`: the embedded runtime, kept up until Ctrl-C, for the CLI, the AWS CLI or tests to use. */
export function localCommand(): Command {
  return new Command('local')
    .description('start the embedded local runtime (DynamoDB Local, SQS, Step Functions, CloudWatch, Lambda)')
    .option('--data <dir>', 'keep DynamoDB data in this folder (default: in memory)')
    .option('--json', 'print the endpoints as one JSON object')
    .action(async (options: { data?: string; json?: boolean }) => {
      // As in AWS: an alarm's state change goes through the EventBridge rule to detect.
      let deliver: (change: AlarmStateChange) => void = () => undefined;
      const runtime = await startLocalRuntime({
        dataDir: options.data,
        onAlarmStateChange: (change) => deliver(change),
      });
      deliver = (change) => {
        void runtime.putEvent(eventBridgeAlarmEvent(change)).catch((error: unknown) => {
          console.error(`faultline local: delivering ${change.alarm.alarmName} failed: ${String(error)}`);
        });
      };
      // Real time here: alarms evaluate as periods pass, like CloudWatch's.
      const tick = setInterval(() => runtime.cloudwatch.advanceTo(Date.now()), 1000);
      const info = {
        region: runtime.region,
        endpoints: runtime.endpoints,
        tables: runtime.tables,
        queues: runtime.queues,
        stateMachineArn: runtime.stateMachineArn,
        env: {
          AWS_REGION: runtime.region,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_DYNAMODB: runtime.endpoints.dynamodb,
          AWS_ENDPOINT_URL_SQS: runtime.endpoints.sqs,
          AWS_ENDPOINT_URL_SFN: runtime.endpoints.stepfunctions,
          AWS_ENDPOINT_URL_CLOUDWATCH: runtime.cloudwatch.endpoint,
          AWS_ENDPOINT_URL_LAMBDA: runtime.lambda.endpoint,
          ...runtime.environment,
        },
      };
      if (options.json) {
        console.log(JSON.stringify(info));
      } else {
        console.log('Faultline local runtime is up (Ctrl-C to stop).');
        console.log(`  DynamoDB        ${runtime.endpoints.dynamodb}`);
        console.log(`  SQS             ${runtime.endpoints.sqs}`);
        console.log(`  Step Functions  ${runtime.endpoints.stepfunctions}`);
        console.log(`  CloudWatch      ${runtime.cloudwatch.endpoint}`);
        console.log(`  Lambda          ${runtime.lambda.endpoint}`);
        console.log(`  Tables          ${Object.values(runtime.tables).join(', ')}`);
        console.log(`  State machine   ${runtime.stateMachineArn}`);
        console.log('\nPoint other commands here with:');
        for (const [k, v] of Object.entries(info.env)) console.log(`  export ${k}=${v}`);
      }
      const stop = async () => {
        clearInterval(tick);
        await runtime.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
