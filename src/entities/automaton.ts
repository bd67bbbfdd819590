/**
 * Aho–Corasick: every occurrence of a set of patterns in one pass over the text, whatever the script (Japanese
 * and Korean run without spaces between words, so matching on whitespace tokens would miss them).
 */
export class Automaton<T> {
  private readonly next: Map<string, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Patterns ending at each state (with their length, in UTF-16 units). */
  private readonly out: { value: T; length: number }[][] = [[]];
  private built = false;

  add(pattern: string, value: T): void {
    if (this.built) throw new Error('the automaton is built already');
    if (pattern.length === 0) return;
    let state = 0;
    for (const ch of pattern) {
      let to = this.next[state]!.get(ch);
      if (to === undefined) {
        to = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.next[state]!.set(ch, to);
      }
      state = to;
    }
    this.out[state]!.push({ value, length: pattern.length });
  }

  /** Links each state to the longest proper suffix that is also a prefix (breadth first). */
  build(): this {
    const queue: number[] = [];
    for (const to of this.next[0]!.values()) {
      this.fail[to] = 0;
      queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [ch, to] of this.next[state]!) {
        queue.push(to);
        let f = this.fail[state]!;
        while (f !== 0 && !this.next[f]!.has(ch)) f = this.fail[f]!;
        const target = this.next[f]!.get(ch);
        this.fail[to] = target !== undefined && target !== to ? target : 0;
        this.out[to]!.push(...this.out[this.fail[to]!]!);
      }
    }
    this.built = true;
    return this;
  }

  /** Every occurrence: [start, end) in UTF-16 units of `text`, with the pattern's value. */
  *matches(text: string): Generator<{ start: number; end: number; value: T }> {
    if (!this.built) this.build();
    let state = 0;
    let at = 0;
    for (const ch of text) {
      at += ch.length;
      while (state !== 0 && !this.next[state]!.has(ch)) state = this.fail[state]!;
      state = this.next[state]!.get(ch) ?? 0;
      for (const o of this.out[state]!) yield { start: at - o.length, end: at, value: o.value };
    }
  }
}
