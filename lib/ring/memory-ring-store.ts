import { canonicalMembers } from './members.js';
import type { RingRecord, RingStore, RingWrite, RingWriteResult } from './ring-store.js';

/**
 * In-process `RingStore` with the same conditional semantics as the DynamoDB adapter: for unit tests, the
 * drill, and as the reference the contract suite holds the DynamoDB adapter to.
 *
 * @example
 * const store = new MemoryRingStore();
 * await createRing(store, 'default', [member('node-a')]);
 */
export class MemoryRingStore implements RingStore {
  private readonly records = new Map<string, RingRecord>();
  /** Count of calls, so tests can see how many reads a cache made. */
  readonly calls = { read: 0, readVersion: 0, create: 0, write: 0 };

  async read(ringId: string): Promise<RingRecord | undefined> {
    this.calls.read++;
    return this.records.get(ringId);
  }

  async readVersion(ringId: string): Promise<number | undefined> {
    this.calls.readVersion++;
    return this.records.get(ringId)?.version;
  }

  async create(
    ringId: string,
    members: RingRecord['members'],
    updatedAt: string,
  ): Promise<{ kind: 'created'; version: number } | { kind: 'exists' }> {
    this.calls.create++;
    if (this.records.has(ringId)) return { kind: 'exists' };
    this.records.set(ringId, {
      ringId,
      version: 1,
      members: canonicalMembers(members),
      fences: {},
      updatedAt,
    });
    return { kind: 'created', version: 1 };
  }

  async write(ringId: string, expectedVersion: number, write: RingWrite): Promise<RingWriteResult> {
    this.calls.write++;
    const current = this.records.get(ringId);
    if (!current) return { kind: 'missing' };
    if (current.version !== expectedVersion) return { kind: 'conflict' };
    const fences = { ...current.fences };
    if (write.fence) {
      const highestSeen = fences[write.fence.resource];
      if (highestSeen !== undefined && write.fence.token < highestSeen)
        return { kind: 'stale-fence', highestSeen };
      fences[write.fence.resource] = write.fence.token;
    }
    this.records.set(ringId, {
      ringId,
      version: write.version,
      members: canonicalMembers(write.members),
      fences,
      updatedAt: write.updatedAt,
    });
    return { kind: 'written', version: write.version };
  }
}
