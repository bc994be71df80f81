/**
 * Runs async tasks with at most `limit` in flight. `add` resolves once the task has started, so a
 * producer that awaits it (the directory walk) is slowed to the pool's pace instead of queueing
 * every file of a large library in memory. Task failures are kept and rethrown by `drain`.
 */
export class TaskPool {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly idle: (() => void)[] = [];
  private error: unknown;
  private failed = false;

  constructor(private readonly limit: number) {}

  /** Start `task` as soon as a slot is free; resolves when it has started (not finished). */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    this.active++;
    task()
      .catch((err: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.error = err;
        }
      })
      .finally(() => {
        this.active--;
        this.waiters.shift()?.();
        if (this.active === 0) for (const r of this.idle.splice(0)) r();
      });
  }

  /** Wait until every started task has finished; rejects with the first task failure, if any. */
  async drain(): Promise<void> {
    while (this.active > 0) await new Promise<void>((r) => this.idle.push(r));
    if (this.failed) throw this.error;
  }
}
