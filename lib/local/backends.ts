import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { localAwsConfig } from './local-aws-config.js';

export interface CreatedQueue {
  readonly url: string;
  readonly arn: string;
  readonly name: string;
}

/**
 * Where the runtime's DynamoDB and SQS live: started here (DynamoDB Local and fauxqs, the default), or an
 * endpoint that already serves both (LocalStack). Everything else in the runtime is the same either way.
 */
export interface ServiceBackends {
  readonly dynamodb: Pick<DynamoDbLocal, 'endpoint' | 'port' | 'client' | 'stop'>;
  readonly sqsEndpoint: string;
  createQueue(name: string): Promise<CreatedQueue>;
  /** Messages in a queue, read without consuming them. */
  peekQueue(queue: CreatedQueue): Promise<string[]>;
  stop(): Promise<void>;
}

export async function embeddedBackends(options: { dataDir?: string }): Promise<ServiceBackends> {
  const dynamodb = await startDynamoDbLocal({ dataDir: options.dataDir });
  try {
    const sqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    return {
      dynamodb,
      sqsEndpoint: `http://127.0.0.1:${sqs.port}`,
      async createQueue(name) {
        const created = sqs.createQueue(name);
        return { url: created.queueUrl, arn: created.queueArn, name: created.queueName };
      },
      async peekQueue(queue) {
        // fauxqs inspects without touching visibility: ready, delayed and in-flight messages alike.
        const inspected = sqs.inspectQueue(queue.name);
        if (!inspected) return [];
        const { ready, delayed, inflight } = inspected.messages;
        return [...ready, ...delayed, ...inflight.map((m) => m.message)].map((m) => {
          const message = m as { body?: string; Body?: string };
          return message.body ?? message.Body ?? '';
        });
      },
      async stop() {
        await sqs.stop();
        await dynamodb.stop();
      },
    };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

/** Endpoints already serving DynamoDB and SQS: one URL for both (LocalStack on port 4566), or one each. */
export type ExternalEndpoints = string | { readonly dynamodb: string; readonly sqs: string };

/** DynamoDB and SQS at endpoints that are already up; the runtime starts and stops neither. */
export async function endpointBackends(endpoints: ExternalEndpoints): Promise<ServiceBackends> {
  const { dynamodb, sqs: sqsEndpoint } =
    typeof endpoints === 'string' ? { dynamodb: endpoints, sqs: endpoints } : endpoints;
  const config = { ...localAwsConfig(), maxAttempts: 3 };
  const sqs = new SQSClient({ ...config, endpoint: sqsEndpoint, useQueueUrlAsEndpoint: false });
  return {
    dynamodb: {
      endpoint: dynamodb,
      port: Number(new URL(dynamodb).port || 80),
      client: () => new DynamoDBClient({ ...config, endpoint: dynamodb }),
      stop: async () => undefined,
    },
    sqsEndpoint,
    async createQueue(name) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const url = QueueUrl ?? '';
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      return { url, arn: Attributes?.QueueArn ?? '', name };
    },
    async peekQueue(queue) {
      // No inspection API here: receive with a zero visibility timeout, so nothing is hidden from consumers.
      const bodies = new Map<string, string>();
      for (let round = 0; round < 10; round += 1) {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        const fresh = (out.Messages ?? []).filter((m) => m.MessageId && !bodies.has(m.MessageId));
        if (fresh.length === 0) break;
        for (const m of fresh) bodies.set(m.MessageId as string, m.Body ?? '');
      }
      return [...bodies.values()];
    },
    async stop() {
      sqs.destroy();
    },
  };
}
