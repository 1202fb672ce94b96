import type { PromptEmbedding } from './hashed-embedder.js';

/** A prompt in a group, filed under a key: prompts under different keys never answer each other (the semantic cache uses the prompt's numbers). */
export interface GroupMember {
  readonly key: string;
}

/**
 * Near-identical prompts of one scope (exact similarity at or above the cache's grouping bar)
 * behind one point of the semantic index, filed by key. A point costs an HNSW insert (about
 * 150 µs at efConstruction 100) and makes every later search longer; prompts that differ in a
 * number or a name and little else (a template, a form letter) would fill the graph with points
 * that all sit at the same place. One point finds them all; each member is still scored on its own
 * embedding and judged by the verifier and the slot guard, so grouping changes which prompts are
 * looked at, never whether one answers another.
 */
export class PromptGroup<Member extends GroupMember> {
  /** The first member's embedding: the point the index holds, kept when that member leaves. */
  readonly embedding: PromptEmbedding;
  /** The index label of the point; -1 until the owner indexes it, and again once the last member has left. */
  label = -1;
  readonly #byKey = new Map<string, Member[]>();
  #size = 0;

  constructor(embedding: PromptEmbedding) {
    this.embedding = embedding;
  }

  get size(): number {
    return this.#size;
  }

  /** The members filed under `key`, oldest first. */
  membersUnder(key: string): readonly Member[] {
    return this.#byKey.get(key) ?? [];
  }

  /** Whether fewer than `limit` members are filed under `key`. */
  hasRoom(key: string, limit: number): boolean {
    return (this.#byKey.get(key)?.length ?? 0) < limit;
  }

  /** One member filed under another key than `key`, if there is one. */
  memberNotUnder(key: string): Member | undefined {
    for (const [memberKey, members] of this.#byKey) if (memberKey !== key) return members[0];
    return undefined;
  }

  add(member: Member): void {
    const members = this.#byKey.get(member.key);
    if (members) members.push(member);
    else this.#byKey.set(member.key, [member]);
    this.#size += 1;
  }

  /** Removes a member; false if it was not (or no longer) in the group. */
  remove(member: Member): boolean {
    const members = this.#byKey.get(member.key);
    const position = members?.indexOf(member) ?? -1;
    if (position < 0) return false;
    members!.splice(position, 1);
    if (members!.length === 0) this.#byKey.delete(member.key);
    this.#size -= 1;
    return true;
  }
}
