/**
 * How many automatic restarts a crashing server gets: at most `maxRestarts` within any
 * `windowMs`. Pure (the clock is passed in) so the policy can be tested without VS Code.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly windowMs: number,
  ) {}

  /** Records a crash at `now`; true when a restart is still allowed (and counts it). */
  tryRestart(now: number): boolean {
    while (this.restarts.length > 0 && now - this.restarts[0] >= this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.maxRestarts) return false;
    this.restarts.push(now);
    return true;
  }

  /** Restarts counted in the current window (after the last `tryRestart`). */
  get used(): number {
    return this.restarts.length;
  }
}
