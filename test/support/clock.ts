import { Clock } from '../../apps/control-plane/src/http/clock';

/**
 * A clock the test moves by hand (startTestApp({ clock: clock.now })), so expiry, grace periods and
 * usage windows are decided by the test's instants, never by how long a step happened to take.
 */
export class TestClock {
  private at: number;
  constructor(start: Date | number = Date.now()) { this.at = typeof start === 'number' ? start : start.getTime(); }
  readonly now: Clock = () => new Date(this.at);
  advance(ms: number): void { this.at += ms; }
  set(at: Date | string): void { this.at = new Date(at).getTime(); }
  /** The instant `ms` from the clock's now, as RFC 3339. */
  in(ms: number): string { return new Date(this.at + ms).toISOString(); }
}
