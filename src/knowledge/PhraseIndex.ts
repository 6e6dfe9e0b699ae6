/**
 * Aho–Corasick automaton over UTF-16 code units: finds every occurrence of every phrase in one
 * left-to-right pass, so matching costs time linear in the text whatever it contains.
 *
 * The automaton has tens of thousands of nodes, and a scan reads one or two of them per character,
 * so it is laid out for the memory cache: after build() each node is four adjacent integers, one of
 * its transitions stored inline (see build()). Nodes are numbered in the order a scan
 * of the texts given to build() reaches them: a paste quotes those texts, and between two pastes
 * the server's other work has pushed the table out of the cache, so a scan that reads it front to
 * back (which the processor prefetches) instead of jumping costs about half as much.
 */

/**
 * Transitions (node, code unit) → child by open addressing over one typed array, each slot four
 * adjacent integers (node, code, child, unused): one cache line per probe, no boxing, no allocation.
 */
class TransitionTable {
  private slots: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * 4).fill(-1);
  }

  private slot(node: number, code: number): number {
    const mask = (this.slots.length >> 2) - 1;
    let i = (Math.imul(node, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
    for (;;) {
      const at = this.slots[i << 2] as number;
      if (at === -1 || (at === node && this.slots[(i << 2) + 1] === code)) return i << 2;
      i = (i + 1) & mask;
    }
  }

  get(node: number, code: number): number {
    const at = this.slot(node, code);
    return this.slots[at] === -1 ? -1 : (this.slots[at + 2] as number);
  }

  set(node: number, code: number, child: number): void {
    if ((this.count + 1) * 2 > this.slots.length >> 2) this.grow();
    const at = this.slot(node, code);
    if (this.slots[at] === -1) this.count++;
    this.slots[at] = node;
    this.slots[at + 1] = code;
    this.slots[at + 2] = child;
  }

  *entries(): Generator<[number, number, number]> {
    for (let at = 0; at < this.slots.length; at += 4) if (this.slots[at] !== -1) yield [this.slots[at] as number, this.slots[at + 1] as number, this.slots[at + 2] as number];
  }

  private grow(): void {
    const old = [...this.entries()];
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.count = 0;
    for (const [node, code, child] of old) this.set(node, code, child);
  }
}

/** Node layout after build(): four integers per node. */
const FIRST = 0; // the inline transition's code unit (see build()) and, from bit 16, otherChildren(); -1 for none
const FIRST_CHILD = 1;
const FAIL = 2;
const OUTPUTS = 3; // start of the node's phrase ids in `outputs` (ended by -1), or -1 when none
const STRIDE = 4;
/**
 * Bits 16 to 23 of FIRST: for the node's children other than the inline one, bit (code & 7) is
 * set. A scan looks a character up in the transition table only when its bit is set, so a
 * character that leaves the node for its fail node (most do) costs no random read.
 */
function otherChildren(children: ReadonlyArray<readonly [number, number]>): number {
  let bits = 0;
  for (const [code] of children) bits |= 1 << (code & 7);
  return bits << 16;
}

export class PhraseIndex {
  /** Every transition while phrases are added; after build() only those not stored inline. */
  private next = new TransitionTable();
  /** The root's transitions as a flat table: most characters of a text are read at the root. */
  private readonly rootNext = new Int32Array(0x10000);
  /** Phrase id ending at each node, or -1; only while phrases are added. */
  private ends: number[] = [-1];
  private lengths: number[] = [];
  private nodes = new Int32Array(0);
  private outputs = new Int32Array(0);
  private phraseLengths = new Int32Array(0);
  private built = false;

  /** Adds a phrase and returns its id; adding the same phrase twice returns the first id. */
  add(phrase: string): number {
    if (this.built) throw new Error('PhraseIndex: add after build');
    if (phrase.length === 0) throw new Error('PhraseIndex: empty phrase');
    let node = 0;
    for (let i = 0; i < phrase.length; i++) {
      const code = phrase.charCodeAt(i);
      let child = this.next.get(node, code);
      if (child < 0) {
        child = this.ends.length;
        this.ends.push(-1);
        this.next.set(node, code, child);
        if (node === 0) this.rootNext[code] = child;
      }
      node = child;
    }
    const existing = this.ends[node] as number;
    if (existing >= 0) return existing;
    const id = this.lengths.length;
    this.lengths.push(phrase.length);
    this.ends[node] = id;
    return id;
  }

  get size(): number {
    return this.built ? this.phraseLengths.length : this.lengths.length;
  }

  phraseLength(id: number): number {
    return this.built ? (this.phraseLengths[id] ?? 0) : (this.lengths[id] ?? 0);
  }

  /**
   * Freezes the automaton. `layoutTexts` are texts like those it will scan (for the matcher, the
   * known error texts): nodes are numbered in the order a scan of them reaches them, so that
   * scanning such a text reads the node table, and the phrase lists, front to back.
   */
  build(layoutTexts: Iterable<string> = []): this {
    if (this.built) return this;
    const count = this.ends.length;
    const children: Array<Array<[number, number]>> = Array.from({ length: count }, () => []);
    for (const [parent, code, child] of this.next.entries()) (children[parent] as Array<[number, number]>).push([code, child]);
    // Each node's children in the order they were created: the first continues the phrase that created the node.
    for (const list of children) list.sort((a, b) => a[1] - b[1]);
    const childOf = (node: number, code: number): number => {
      if (node === 0) return (this.rootNext[code] as number) || -1;
      for (const [c, child] of children[node] as Array<[number, number]>) if (c === code) return child;
      return -1;
    };

    // Fail links breadth first, in the numbering of add(): a node's fail node is shallower, so it is ready.
    const fail = new Int32Array(count);
    /** The automaton's transition: the child, or the fail node's transition. */
    const step = (from: number, code: number): number => {
      let node = from;
      let target = childOf(node, code);
      while (target < 0 && node !== 0) {
        node = fail[node] as number;
        target = childOf(node, code);
      }
      return target < 0 ? 0 : target;
    };
    const queue: number[] = [];
    for (const [, child] of children[0] ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const [code, child] of children[node] ?? []) {
        const target = step(fail[node] as number, code);
        fail[child] = target !== child ? target : 0;
        queue.push(child);
      }
    }

    // Each node keeps one transition inline (see FIRST). Where a scan of the layout texts leaves a
    // node, that transition is the one it takes, even when it runs through fail links (the
    // automaton's full transition): a scan of those texts then reads one node per character, not
    // a node, its fail node and the child. Elsewhere it is the node's first child.
    const inline = new Map<number, [number, number]>();
    // The new numbering: the root, then nodes in the order scans of the layout texts reach them, then the rest breadth first.
    const order: number[] = [0];
    const renumbered = new Int32Array(count).fill(-1);
    renumbered[0] = 0;
    const visit = (node: number) => {
      if (renumbered[node] !== -1) return;
      renumbered[node] = order.length;
      order.push(node);
    };
    for (const text of layoutTexts) {
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        // As scan() will read it: the inline transition if it fits, else the child, else the fail node.
        for (;;) {
          if (node === 0) {
            node = step(0, code);
            break;
          }
          const kept = inline.get(node);
          if (kept === undefined) {
            const target = step(node, code);
            inline.set(node, [code, target]);
            node = target;
            break;
          }
          if (kept[0] === code) {
            node = kept[1];
            break;
          }
          const child = childOf(node, code);
          if (child >= 0) {
            node = child;
            break;
          }
          node = fail[node] as number;
          visit(node);
        }
        visit(node);
      }
    }
    for (const node of queue) visit(node);
    const id = (node: number) => renumbered[node] as number;

    // Each node's outputs are its own phrase, then its fail node's; parents and fail nodes are shallower, so breadth first they are ready.
    const outputLists: number[][] = new Array(count);
    outputLists[0] = [];
    for (const node of queue) {
      const own = this.ends[node] as number;
      const inherited = outputLists[fail[node] as number] ?? [];
      outputLists[node] = own >= 0 ? [own, ...inherited] : inherited;
    }

    const nodes = new Int32Array(count * STRIDE).fill(-1);
    const extra: Array<[number, number, number]> = [];
    const flat: number[] = [];
    order.forEach((node, at) => {
      const base = at * STRIDE;
      const list = children[node] as Array<[number, number]>;
      const [code, target] = inline.get(node) ?? list[0] ?? [-1, -1];
      const rest = list.filter(([c]) => c !== code);
      if (code >= 0) {
        nodes[base + FIRST] = code | otherChildren(rest);
        nodes[base + FIRST_CHILD] = id(target);
      }
      for (const [c, child] of rest) extra.push([at, c, id(child)]);
      nodes[base + FAIL] = id(fail[node] as number);
      const outputs = outputLists[node] as number[];
      if (outputs.length > 0) {
        nodes[base + OUTPUTS] = flat.length;
        flat.push(...outputs, -1);
      }
    });
    nodes[FAIL] = 0;
    this.next = new TransitionTable(extra.length);
    for (const [node, code, child] of extra) this.next.set(node, code, child);
    for (let code = 0; code < this.rootNext.length; code++) if (this.rootNext[code]) this.rootNext[code] = id(this.rootNext[code] as number);
    this.nodes = nodes;
    this.outputs = Int32Array.from(flat);
    this.phraseLengths = Int32Array.from(this.lengths);
    this.ends = [];
    this.lengths = [];
    this.built = true;
    return this;
  }

  /** Calls onMatch(phraseId, endIndexExclusive) for every occurrence, in order of end position. */
  scan(text: string, onMatch: (phraseId: number, end: number) => void): void {
    if (!this.built) throw new Error('PhraseIndex: scan before build');
    const { nodes, outputs, rootNext } = this;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      for (;;) {
        if (node === 0) {
          node = rootNext[code] as number;
          break;
        }
        const base = node * STRIDE;
        const first = nodes[base + FIRST] as number;
        if (first >= 0) {
          if ((first & 0xffff) === code) {
            node = nodes[base + FIRST_CHILD] as number;
            break;
          }
          if ((first >>> 16) & (1 << (code & 7))) {
            const target = this.next.get(node, code);
            if (target >= 0) {
              node = target;
              break;
            }
          }
        }
        node = nodes[base + FAIL] as number;
      }
      let at = nodes[node * STRIDE + OUTPUTS] as number;
      if (at < 0) continue;
      for (let id = outputs[at] as number; id >= 0; id = outputs[++at] as number) onMatch(id, i + 1);
    }
  }
}
