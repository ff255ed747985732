// When the server process dies: restart it, but not forever. A server that crashes on start (a broken
// install, a bad model path) would otherwise loop; after `maxRestarts` within `windowMs` we stop and say why.

export interface RestartDecision {
  restart: boolean;
  message?: string;
}

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called each time the connection closes unexpectedly. */
  onCrash(): RestartDecision {
    const time = this.now();
    this.crashes = this.crashes.filter((crash) => time - crash < this.windowMs);
    this.crashes.push(time);
    if (this.crashes.length > this.maxRestarts) {
      const minutes = Math.round(this.windowMs / 60_000);
      return {
        restart: false,
        message:
          `The Apiary server stopped ${this.crashes.length} times in ${minutes} minutes and will not be restarted. ` +
          `See the Apiary output for the cause, then run "Apiary: Restart server".`,
      };
    }
    return { restart: true };
  }

  /** A deliberate restart starts the count afresh. */
  reset(): void {
    this.crashes = [];
  }
}
