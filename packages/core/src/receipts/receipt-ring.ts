/**
 * The newest receipts as UTF-8 JSON in one growable byte buffer, oldest overwritten first, looked up
 * by request id.
 *
 * Why bytes and not the receipt objects: a receipt (about 25 objects, 2.4 KB with its ranked
 * candidates) lives for the next thousand requests, so V8 promotes every one of them to the old
 * generation, where they pile up as garbage until a full collection. Under load that was 20-25 MB of
 * a gateway's resident memory. Written into this buffer, a receipt leaves only its id behind on the
 * heap; its JSON text dies young. A Buffer per receipt does not help either: each one is freed only
 * when a full collection finds its wrapper dead.
 */
export class ReceiptRing {
  readonly #capacity: number;
  #bytes: Buffer | undefined;
  /** Per record (a ring of `capacity` slots, oldest at `#oldest`): its id, byte offset and length. */
  readonly #ids: Array<string | undefined>;
  readonly #offsets: Float64Array;
  readonly #lengths: Int32Array;
  /** Slot of each stored id; a Map, since ids come from clients. */
  readonly #slots = new Map<string, number>();
  #oldest = 0;
  #count = 0;
  /** Where the next record's bytes go. */
  #head = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a receipt ring holds at least one receipt, got ${capacity}`);
    this.#capacity = capacity;
    this.#ids = new Array<string | undefined>(capacity);
    // Offsets past 2 GB are possible with a large `maxReceipts`; lengths are one receipt's.
    this.#offsets = new Float64Array(capacity);
    this.#lengths = new Int32Array(capacity);
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Stores `json` under `id`, replacing an earlier record of the same id; the oldest goes when full. */
  put(id: string, json: string): void {
    const length = Buffer.byteLength(json);
    if (this.#count === this.#capacity) this.#dropOldest();
    this.#reserve(length);
    const slot = (this.#oldest + this.#count) % this.#capacity;
    this.#bytes!.write(json, this.#head, length, 'utf8');
    this.#ids[slot] = id;
    this.#offsets[slot] = this.#head;
    this.#lengths[slot] = length;
    this.#head += length;
    this.#count += 1;
    this.#slots.set(id, slot);
  }

  get(id: string): string | undefined {
    const slot = this.#slots.get(id);
    return slot === undefined ? undefined : this.#text(slot);
  }

  /** Every stored record's JSON, newest first. */
  *newestFirst(): IterableIterator<string> {
    for (let index = this.#count - 1; index >= 0; index--) {
      const slot = (this.#oldest + index) % this.#capacity;
      // A record replaced by a later one of the same id is skipped: the id names the later one.
      if (this.#slots.get(this.#ids[slot]!) === slot) yield this.#text(slot);
    }
  }

  #text(slot: number): string {
    const offset = this.#offsets[slot]!;
    return this.#bytes!.toString('utf8', offset, offset + this.#lengths[slot]!);
  }

  #dropOldest(): void {
    const slot = this.#oldest;
    const id = this.#ids[slot]!;
    if (this.#slots.get(id) === slot) this.#slots.delete(id);
    this.#ids[slot] = undefined;
    this.#oldest = (slot + 1) % this.#capacity;
    this.#count -= 1;
  }

  /**
   * Makes `length` free bytes at `#head`. Records sit in the buffer in age order, wrapping once:
   * space comes from the end of the buffer, else from its start past the oldest record. The buffer
   * doubles (records copied, oldest first) rather than drop a record a full ring would keep.
   */
  #reserve(length: number): void {
    // Starts small and doubles, so a large `maxReceipts` costs memory only as receipts arrive.
    if (this.#bytes === undefined) this.#bytes = Buffer.allocUnsafeSlow(Math.max(64 * 1024, nextPowerOfTwo(length)));
    if (this.#count === 0) {
      this.#head = 0;
      if (length > this.#bytes.length) this.#bytes = Buffer.allocUnsafeSlow(nextPowerOfTwo(length));
      return;
    }
    const oldestOffset = this.#offsets[this.#oldest]!;
    // Not wrapped: free space runs from the head to the end, then from 0 to the oldest record.
    if (this.#head > oldestOffset) {
      if (this.#head + length <= this.#bytes.length) return;
      if (length <= oldestOffset) {
        this.#head = 0;
        return;
      }
    } else if (this.#head + length <= oldestOffset) {
      return;
    }
    this.#grow(length);
  }

  #grow(length: number): void {
    let used = 0;
    for (let index = 0; index < this.#count; index++) used += this.#lengths[(this.#oldest + index) % this.#capacity]!;
    const bytes = Buffer.allocUnsafeSlow(nextPowerOfTwo(Math.max(this.#bytes!.length * 2, used + length)));
    let head = 0;
    for (let index = 0; index < this.#count; index++) {
      const slot = (this.#oldest + index) % this.#capacity;
      const offset = this.#offsets[slot]!;
      this.#bytes!.copy(bytes, head, offset, offset + this.#lengths[slot]!);
      this.#offsets[slot] = head;
      head += this.#lengths[slot]!;
    }
    this.#bytes = bytes;
    this.#head = head;
  }
}

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, value)));
}
