import { Inject, Injectable } from '@nestjs/common';
import {
  AccessState, ACCESS_REVIEW_EVENT_TYPES, applyAccessEvent, emptyAccessState,
} from '../../../../libs/auth/src/access-review';
import { comparePositions, formatPosition, GlobalPosition, START } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

const PAGE = 1000;

/**
 * Replays an organization's identity and tenancy events through the event-store port, in log order,
 * up to the first event that happened after the instant, and folds them (libs/auth/src/access-review.ts).
 */
@Injectable()
export class AccessReviewQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async stateAt(organizationId: string, asOf: string): Promise<AccessState> {
    await this.everythingCommittedVisible();
    const instant = Date.parse(asOf);
    const state = emptyAccessState();
    let from: GlobalPosition = START;
    for (;;) {
      const page = await this.platform.store.readAll({ from, organizationId, types: ACCESS_REVIEW_EVENT_TYPES, limit: PAGE });
      for (const event of page) {
        if (Date.parse(event.metadata.occurred_at) > instant) return state;
        applyAccessEvent(state, { type: event.type, data: event.data, position: formatPosition(event.position) });
      }
      if (page.length < PAGE) return state;
      from = page[page.length - 1].position;
    }
  }

  /**
   * Readers of the log see an event once no older transaction is still running; wait (bounded) until
   * everything committed before this request is visible, so a review never misses a change it follows.
   */
  private async everythingCommittedVisible(): Promise<void> {
    const store = this.platform.store;
    const barrier = await store.lastCommittedPosition();
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    while (comparePositions(await store.headPosition(), barrier) < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

const VISIBILITY_WAIT_MS = 5000;
