import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { coordinationTable, incidentsTable, ringTable, type TableSchema } from '../../lib/tables/schemas.js';

export interface FaultlineTablesProps {
  /** @default RemovalPolicy.RETAIN — lease items carry fencing tokens that must never reset. */
  readonly removalPolicy?: RemovalPolicy;
}

/** The three tables, built from the schemas the local runtime also uses: on-demand, PITR, encrypted, TTL. */
export class FaultlineTables extends Construct {
  public readonly coordination: dynamodb.Table;
  public readonly ring: dynamodb.Table;
  public readonly incidents: dynamodb.Table;

  constructor(scope: Construct, id: string, props: FaultlineTablesProps = {}) {
    super(scope, id);
    const build = (schema: TableSchema) =>
      new dynamodb.Table(this, schema.logicalName, {
        partitionKey: { name: schema.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: schema.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: schema.ttlAttribute,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    this.coordination = build(coordinationTable);
    this.ring = build(ringTable);
    this.incidents = build(incidentsTable);
  }

  /** Table names as the environment variables handlers read. */
  environment(): Record<TableSchema['envVar'], string> {
    return {
      COORDINATION_TABLE: this.coordination.tableName,
      RING_TABLE: this.ring.tableName,
      INCIDENTS_TABLE: this.incidents.tableName,
    };
  }
}
