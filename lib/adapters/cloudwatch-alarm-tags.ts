import { type CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';

/**
 * Alarm tags, read with ListTagsForResource and kept per container for `maxAgeMs`: tags change rarely, and an
 * alarm storm would otherwise cost one call per delivery. (A cache of read-only metadata: intake's idempotency
 * never depends on it.)
 */
export class CloudWatchAlarmTags {
  private readonly cache = new Map<string, { tags: Record<string, string>; at: number }>();

  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly maxAgeMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  async tagsOf(alarmArn: string): Promise<Record<string, string>> {
    const cached = this.cache.get(alarmArn);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.tags;
    const out = await this.cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
    const tags = Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    this.cache.set(alarmArn, { tags, at: this.now() });
    return tags;
  }
}
