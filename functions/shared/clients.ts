import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from './powertools.js';

/**
 * SDK clients built once per process and reused across invocations. Region, credentials and endpoint come
 * from the standard AWS sources (AWS_REGION, AWS_ENDPOINT_URL, profiles), so the same code serves a deployed
 * stack, LocalStack and the embedded runtime.
 */
let dynamodb: DynamoDBClient | undefined;
let sfn: SFNClient | undefined;
let sqs: SQSClient | undefined;

export const dynamoDbClient = (): DynamoDBClient => {
  dynamodb ??= tracer.captureAWSv3Client(new DynamoDBClient({}));
  return dynamodb;
};
export const stepFunctionsClient = (): SFNClient => {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
};
export const sqsClient = (): SQSClient => {
  // With an explicit endpoint (LocalStack, the local runtime) the queue URL's host is not an address to call.
  sqs ??= new SQSClient({
    useQueueUrlAsEndpoint: !(process.env.AWS_ENDPOINT_URL_SQS || process.env.AWS_ENDPOINT_URL),
  });
  return sqs;
};

/** Drops cached clients (the local runtime calls this when it re-points the environment). */
export function resetClients(): void {
  dynamodb?.destroy();
  sfn?.destroy();
  sqs?.destroy();
  dynamodb = sfn = sqs = undefined;
}
