import { Inject, Injectable, Logger } from '@nestjs/common';
import { RuntimeClient } from '../../../../libs/runtime-client/src';
import { UsageIngestion } from '../billing/usage-ingestion';
import { ProbeRoundHook } from '../runtime-targets/health-prober';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { PlacementHistoryLookup } from './placement-history.lookup';
import { UsageCursors } from './usage-cursors';

const PAGE_SIZE = 500;
const MAX_PAGES_PER_ROUND = 20;

/**
 * Pulls each ready target's usage feed (`GET /api/system/usage`) on the prober's schedule, from
 * its durable cursor, and hands the records to billing ingestion. A target that fails is skipped
 * until the next round; the others go on.
 */
@Injectable()
export class UsageCollector implements ProbeRoundHook {
  private readonly logger = new Logger('UsageCollector');

  constructor(
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly credentials: TargetCredentials,
    private readonly cursors: UsageCursors,
    private readonly ingestion: UsageIngestion,
    private readonly placements: PlacementHistoryLookup,
  ) {}

  async afterProbeRound(readyTargets: readonly RuntimeTargetRow[]): Promise<void> {
    for (const target of readyTargets) {
      try {
        await this.collect(target);
      } catch (error) {
        this.logger.warn({ runtime_target_id: target.id, reason: error instanceof Error ? error.message : String(error) }, 'usage pull failed; retried next round');
      }
    }
  }

  /** Pulls up to a bounded number of pages from one target; answers how many records were read. */
  async collect(target: RuntimeTargetRow): Promise<number> {
    let cursor = await this.cursors.get(target.id);
    let pulled = 0;
    for (let pages = 0; pages < MAX_PAGES_PER_ROUND; pages++) {
      const page = await this.client.usagePage(target.base_url, this.credentials.open(target), { after: cursor, limit: PAGE_SIZE });
      if (page.records.length === 0) break;
      await this.ingestion.ingest(target.id, [...page.records], new Date(), this.placements.lookup);
      cursor = page.next_cursor;
      await this.cursors.save(target.id, cursor, page.records.length);
      pulled += page.records.length;
      if (page.records.length < PAGE_SIZE || cursor === null) break;
    }
    return pulled;
  }
}
