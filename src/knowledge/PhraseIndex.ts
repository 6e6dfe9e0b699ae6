/**
 * Aho–Corasick automaton over UTF-16 code units: finds every occurrence of every phrase in one
 * left-to-right pass, so matching costs time linear in the text whatever it contains.
 */
/**
 * Transitions (node, code unit) → child in open addressing over typed arrays: no number boxing and
 * no allocation per lookup, which a Map keyed by node * 65536 + code would cost above 32k nodes.
 */
class TransitionTable {
  private nodes = new Int32Array(1024).fill(-1);
  private codes = new Uint16Array(1024);
  private children = new Int32Array(1024);
  private count = 0;

  private slot(node: number, code: number): number {
    const mask = this.nodes.length - 1;
    let i = (Math.imul(node, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & mask;
    while (this.nodes[i] !== -1 && (this.nodes[i] !== node || this.codes[i] !== code)) i = (i + 1) & mask;
    return i;
  }

  get(node: number, code: number): number {
    const i = this.slot(node, code);
    return this.nodes[i] === -1 ? -1 : (this.children[i] as number);
  }

  set(node: number, code: number, child: number): void {
    if ((this.count + 1) * 2 > this.nodes.length) this.grow();
    const i = this.slot(node, code);
    if (this.nodes[i] === -1) this.count++;
    this.nodes[i] = node;
    this.codes[i] = code;
    this.children[i] = child;
  }

  *entries(): Generator<[number, number, number]> {
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i] !== -1) yield [this.nodes[i] as number, this.codes[i] as number, this.children[i] as number];
  }

  private grow(): void {
    const old = [...this.entries()];
    this.nodes = new Int32Array(this.nodes.length * 2).fill(-1);
    this.codes = new Uint16Array(this.nodes.length);
    this.children = new Int32Array(this.nodes.length);
    this.count = 0;
    for (const [node, code, child] of old) this.set(node, code, child);
  }
}

export class PhraseIndex {
  private readonly next = new TransitionTable();
  /** The root's transitions as a flat table: most characters of a text are read at the root. */
  private readonly rootNext = new Int32Array(0x10000);
  private readonly fail: number[] = [0];
  /** Phrase id ending at this node, or -1. */
  private readonly output: number[] = [-1];
  /** Nearest node on the fail chain that has an output, or -1. */
  private readonly outputLink: number[] = [-1];
  private readonly lengths: number[] = [];
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
        child = this.fail.length;
        this.fail.push(0);
        this.output.push(-1);
        this.outputLink.push(-1);
        this.next.set(node, code, child);
        if (node === 0) this.rootNext[code] = child;
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
    for (const [parent, code, child] of this.next.entries()) {
      const list = children.get(parent);
      if (list) list.push([code, child]);
      else children.set(parent, [[code, child]]);
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
        let target = this.next.get(f, code);
        while (target < 0 && f !== 0) {
          f = this.fail[f] as number;
          target = this.next.get(f, code);
        }
        const failTo = target >= 0 && target !== child ? target : 0;
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
      let target = node === 0 ? -1 : this.next.get(node, code);
      while (target < 0 && node !== 0) {
        node = this.fail[node] as number;
        target = node === 0 ? -1 : this.next.get(node, code);
      }
      node = target >= 0 ? target : (this.rootNext[code] as number);
      let hit = (this.output[node] ?? -1) >= 0 ? node : (this.outputLink[node] ?? -1);
      while (hit >= 0) {
        onMatch(this.output[hit] as number, i + 1);
        hit = this.outputLink[hit] ?? -1;
      }
    }
  }
}
