import type { Storage, StoreItem, StoreItems } from 'botbuilder';

export interface BoundedMemoryStorageOptions {
  /** Most entries kept before the least recently used are evicted. Kept keys do not count. */
  maxEntries?: number;
  /** An entry neither read nor written for longer than this is gone. */
  idleTtlMs?: number;
  now?: () => number;
  /** Keys kept apart from the others: never expired when idle, nor pushed out by other entries; see maxKept. */
  keep?: (key: string) => boolean;
  /** Most kept keys held; beyond it, the least recently written kept key goes. */
  maxKept?: number;
  /** Called for every kept key let go to stay within maxKept. */
  onKeptEvicted?: (key: string) => void;
}

interface Entry {
  /** The item as JSON, eTag included, so every read hands out a fresh copy. */
  json: string;
  eTag: string;
  touchedAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * botbuilder's MemoryStorage with a ceiling: least-recently-used and idle entries go away,
 * so a long-running bot does not keep every conversation it ever saw. Kept keys (feedback) have
 * a ceiling of their own.
 *
 * Unlike MemoryStorage, a write with an eTag conflict writes none of its items.
 */
export class BoundedMemoryStorage implements Storage {
  /** Evictable entries, least recently used first: every touch re-inserts at the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly kept = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly idleTtlMs: number;
  private readonly now: () => number;
  private readonly keep: (key: string) => boolean;
  private readonly maxKept: number;
  private readonly onKeptEvicted: (key: string) => void;
  private nextETag = 1;

  constructor({ maxEntries = 10_000, idleTtlMs = DAY_MS, now = Date.now, keep = () => false, maxKept = 10_000, onKeptEvicted = () => {} }: BoundedMemoryStorageOptions = {}) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    if (!Number.isInteger(maxKept) || maxKept < 1) throw new RangeError(`maxKept must be a positive integer, got ${maxKept}`);
    if (!(idleTtlMs > 0)) throw new RangeError(`idleTtlMs must be positive, got ${idleTtlMs}`);
    this.maxEntries = maxEntries;
    this.idleTtlMs = idleTtlMs;
    this.now = now;
    this.keep = keep;
    this.maxKept = maxKept;
    this.onKeptEvicted = onKeptEvicted;
  }

  /** Entries held, kept ones included; idle ones not yet swept count too. */
  get size(): number {
    return this.entries.size + this.kept.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const now = this.now();
    const found: [string, StoreItem][] = [];
    for (const key of keys) {
      const entry = this.touch(key, now);
      if (entry) found.push([key, JSON.parse(entry.json) as StoreItem]);
    }
    // fromEntries, unlike assignment, keeps a key like "__proto__" an ordinary property.
    return Object.fromEntries(found);
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const now = this.now();
    const pending: [string, Entry][] = [];
    for (const [key, item] of Object.entries(changes) as [string, unknown][]) {
      if (typeof item !== 'object' || item === null) throw new TypeError(`Storage: item "${key}" must be an object.`);
      const { eTag } = item as StoreItem;
      const stored = this.live(key, now);
      if (stored && eTag && eTag !== '*' && eTag !== stored.eTag) {
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
      const newETag = String(this.nextETag++);
      pending.push([key, { json: JSON.stringify({ ...item, eTag: newETag }), eTag: newETag, touchedAt: now }]);
    }
    for (const [key, entry] of pending) {
      const map = this.keep(key) ? this.kept : this.entries;
      map.delete(key);
      map.set(key, entry);
    }
    this.sweep(now);
    this.trimKept();
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    for (const key of keys) {
      this.entries.delete(key);
      this.kept.delete(key);
    }
  }

  /** The entry if it is still alive, without counting this as a use. */
  private live(key: string, now: number): Entry | undefined {
    const kept = this.kept.get(key);
    if (kept) return kept;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.isIdle(entry, now)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The entry if it is still alive, marked as just used. */
  private touch(key: string, now: number): Entry | undefined {
    const entry = this.live(key, now);
    if (entry && this.entries.has(key)) {
      entry.touchedAt = now;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Drops idle entries from the least recently used end, then the oldest beyond the cap.
   * Stops at the first live entry, so each entry is swept at most once: amortized O(1) per write.
   */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && !this.isIdle(entry, now)) break;
      this.entries.delete(key);
    }
  }

  /** Drops the least recently written kept keys beyond maxKept (a map iterates in insertion order; a rewrite re-inserts). */
  private trimKept(): void {
    for (const key of this.kept.keys()) {
      if (this.kept.size <= this.maxKept) break;
      this.kept.delete(key);
      this.onKeptEvicted(key);
    }
  }

  private isIdle(entry: Entry, now: number): boolean {
    return now - entry.touchedAt > this.idleTtlMs;
  }
}
