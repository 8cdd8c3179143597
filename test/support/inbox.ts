/** Messages of one kind as they arrive; a test awaits the first one from a mark on that meets a condition. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiting: { from: number; test: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  get count(): number {
    return this.items.length;
  }

  all(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    this.items.push(item);
    const index = this.items.length - 1;
    for (const w of [...this.waiting]) {
      if (index >= w.from && w.test(item)) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        w.resolve(item);
      }
    }
  }

  /** The first message at or after index `from` that meets `test`, received already or still to come. */
  next(test: (item: T) => boolean, from = 0): Promise<T> {
    const found = this.items.slice(from).find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiting.push({ from, test, resolve }));
  }
}
