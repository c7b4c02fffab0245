/**
 * The application's idle keep-alive connections through a tcp-proxied port, per route (session ids),
 * most recently used last: the next request takes the newest, as Go's Transport does.
 */
export class AppIdleConnections {
  private readonly byRoute: number[][];

  constructor(routes: number) {
    this.byRoute = Array.from({ length: routes }, () => []);
  }

  /** The newest idle connection of `route`, taken out of the list; -1 when there is none. */
  take(route: number): number {
    return this.byRoute[route]!.pop() ?? -1;
  }

  park(route: number, session: number): void {
    this.byRoute[route]!.push(session);
  }

  /** An idle connection closed. */
  remove(route: number, session: number): void {
    const idle = this.byRoute[route]!;
    idle.splice(idle.lastIndexOf(session), 1);
  }
}
