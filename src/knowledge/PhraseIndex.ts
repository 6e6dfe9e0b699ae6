/**
 * Aho–Corasick automaton over UTF-16 code units: finds every occurrence of every phrase in one
 * left-to-right pass, so matching costs time linear in the text whatever it contains.
 */
export class PhraseIndex {
  private readonly next = new Map<number, number>();
  /** The root's transitions as a flat table: most characters of a text are read at the root. */
  private readonly rootNext = new Int32Array(0x10000);
  private readonly fail: number[] = [0];
  /** Phrase id ending at this node, or -1. */
  private readonly output: number[] = [-1];
  /** Nearest node on the fail chain that has an output, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly lengths: number[] = [];
  private built = false;

  private static key(node: number, code: number): number {
    return node * 0x10000 + code;
  }

  /** Adds a phrase and returns its id; adding the same phrase twice returns the first id. */
  add(phrase: string): number {
    if (this.built) throw new Error('PhraseIndex: add after build');
    if (phrase.length === 0) throw new Error('PhraseIndex: empty phrase');
    let node = 0;
    for (let i = 0; i < phrase.length; i++) {
      const key = PhraseIndex.key(node, phrase.charCodeAt(i));
      let child = this.next.get(key);
      if (child === undefined) {
        child = this.fail.length;
        this.fail.push(0);
        this.output.push(-1);
        this.outputLink.push(-1);
        this.next.set(key, child);
        if (node === 0) this.rootNext[phrase.charCodeAt(i)] = child;
      }
      node = child;
    }
    const existing = this.output[node] ?? -1;
    if (existing >= 0) return existing;
    const id = this.lengths.length;
    this.lengths.push(phrase.length);
    this.output[node] = id;
    return id;
  }

  get size(): number {
    return this.lengths.length;
  }

  phraseLength(id: number): number {
    return this.lengths[id] ?? 0;
  }

  build(): this {
    const children = new Map<number, Array<[number, number]>>();
    for (const [key, child] of this.next) {
      const parent = Math.floor(key / 0x10000);
      const list = children.get(parent);
      if (list) list.push([key % 0x10000, child]);
      else children.set(parent, [[key % 0x10000, child]]);
    }
    const queue: number[] = [];
    for (const [, child] of children.get(0) ?? []) {
      this.fail[child] = 0;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const [code, child] of children.get(node) ?? []) {
        let f = this.fail[node] as number;
        let target = this.next.get(PhraseIndex.key(f, code));
        while (target === undefined && f !== 0) {
          f = this.fail[f] as number;
          target = this.next.get(PhraseIndex.key(f, code));
        }
        const failTo = target !== undefined && target !== child ? target : 0;
        this.fail[child] = failTo;
        this.outputLink[child] = (this.output[failTo] ?? -1) >= 0 ? failTo : (this.outputLink[failTo] ?? -1);
        queue.push(child);
      }
    }
    this.built = true;
    return this;
  }

  /** Calls onMatch(phraseId, endIndexExclusive) for every occurrence, in order of end position. */
  scan(text: string, onMatch: (phraseId: number, end: number) => void): void {
    if (!this.built) throw new Error('PhraseIndex: scan before build');
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let target = node === 0 ? undefined : this.next.get(PhraseIndex.key(node, code));
      while (target === undefined && node !== 0) {
        node = this.fail[node] as number;
        target = node === 0 ? undefined : this.next.get(PhraseIndex.key(node, code));
      }
      node = target ?? (this.rootNext[code] as number);
      let hit = (this.output[node] ?? -1) >= 0 ? node : (this.outputLink[node] ?? -1);
      while (hit >= 0) {
        onMatch(this.output[hit] as number, i + 1);
        hit = this.outputLink[hit] ?? -1;
      }
    }
  }
}
