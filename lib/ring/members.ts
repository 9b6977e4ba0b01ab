import { InvalidMemberError, MemberExistsError, MemberNotFoundError } from './errors.js';

/** `up` owns keys; `draining` (planned removal) and `down` (failed) own none but stay listed. */
export type MemberState = 'up' | 'draining' | 'down';

export interface Member {
  readonly id: string;
  /** Relative capacity: a weight-2 member owns twice the keys of a weight-1 member. @default 1 */
  readonly weight: number;
  readonly state: MemberState;
}

/** A membership change; `plan(change)` says which key ranges it moves. */
export type RingChange =
  | { readonly kind: 'add'; readonly member: { readonly id: string; readonly weight?: number } }
  | { readonly kind: 'remove'; readonly id: string }
  | { readonly kind: 'drain'; readonly id: string }
  | { readonly kind: 'markDown'; readonly id: string }
  | { readonly kind: 'restore'; readonly id: string }
  | { readonly kind: 'reweight'; readonly id: string; readonly weight: number };

/** Ids end up in one compact string attribute, so they may not contain the separators `|` or whitespace. */
const ID_PATTERN = /^[A-Za-z0-9._:/@+=#-]{1,200}$/;
export const MAX_WEIGHT = 100;
const STATES: readonly MemberState[] = ['up', 'draining', 'down'];

export function validateMember(member: Member): Member {
  if (!ID_PATTERN.test(member.id)) {
    throw new InvalidMemberError(
      `member id ${JSON.stringify(member.id)} must be 1-200 characters of A-Z a-z 0-9 . _ : / @ + = # -`,
    );
  }
  if (!(Number.isFinite(member.weight) && member.weight > 0 && member.weight <= MAX_WEIGHT)) {
    throw new InvalidMemberError(
      `member '${member.id}' weight must be in (0, ${MAX_WEIGHT}], got ${member.weight}`,
    );
  }
  if (!STATES.includes(member.state)) {
    throw new InvalidMemberError(`member '${member.id}' state must be up, draining or down`);
  }
  return member;
}

/** Builds a validated member with defaults (weight 1, state up). */
export function member(id: string, weight = 1, state: MemberState = 'up'): Member {
  return validateMember({ id, weight, state });
}

/** Sorted by id, duplicates rejected: the canonical order that makes the ring independent of input order. */
export function canonicalMembers(members: readonly Member[]): Member[] {
  const sorted = members.map(validateMember).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.id === sorted[i - 1]?.id)
      throw new InvalidMemberError(`duplicate member '${sorted[i]?.id}'`);
  }
  return sorted;
}

/**
 * Applies a change to a member list. `changed: false` means the list already satisfied it (a retried step),
 * so callers can skip the write.
 */
export function applyChange(
  members: readonly Member[],
  change: RingChange,
): { members: Member[]; changed: boolean } {
  const list = canonicalMembers(members);
  const id = change.kind === 'add' ? change.member.id : change.id;
  const index = list.findIndex((m) => m.id === id);
  const current = index >= 0 ? list[index] : undefined;
  const replace = (next: Member): { members: Member[]; changed: boolean } => {
    if (current && current.weight === next.weight && current.state === next.state) {
      return { members: list, changed: false };
    }
    const out = list.filter((m) => m.id !== id);
    out.push(validateMember(next));
    return { members: canonicalMembers(out), changed: true };
  };
  switch (change.kind) {
    case 'add': {
      const weight = change.member.weight ?? 1;
      if (current) {
        if (current.weight !== weight) throw new MemberExistsError(id);
        return { members: list, changed: false };
      }
      return replace({ id, weight, state: 'up' });
    }
    case 'remove':
      if (!current) return { members: list, changed: false };
      return { members: list.filter((m) => m.id !== id), changed: true };
    case 'drain':
    case 'markDown':
    case 'restore':
    case 'reweight': {
      if (!current) throw new MemberNotFoundError(id);
      if (change.kind === 'reweight') return replace({ ...current, weight: change.weight });
      const state: MemberState =
        change.kind === 'drain' ? 'draining' : change.kind === 'markDown' ? 'down' : 'up';
      return replace({ ...current, state });
    }
  }
}

/**
 * Encodes members as one compact string (`id`, or `id|w=2|s=down` when not the defaults), one per line: a
 * list of maps would spend ~15 bytes per member on attribute names and type overhead, and the ring item must
 * stay under 4 KB at 150 members.
 */
export function encodeMembers(members: readonly Member[]): string {
  return canonicalMembers(members)
    .map((m) => {
      let line = m.id;
      if (m.weight !== 1) line += `|w=${m.weight}`;
      if (m.state !== 'up') line += `|s=${m.state}`;
      return line;
    })
    .join('\n');
}

export function decodeMembers(encoded: string): Member[] {
  if (encoded === '') return [];
  return canonicalMembers(
    encoded.split('\n').map((line) => {
      const [id = '', ...fields] = line.split('|');
      let weight = 1;
      let state: MemberState = 'up';
      for (const field of fields) {
        if (field.startsWith('w=')) weight = Number(field.slice(2));
        else if (field.startsWith('s=')) state = field.slice(2) as MemberState;
        else throw new InvalidMemberError(`cannot decode member field ${JSON.stringify(field)}`);
      }
      return { id, weight, state };
    }),
  );
}
