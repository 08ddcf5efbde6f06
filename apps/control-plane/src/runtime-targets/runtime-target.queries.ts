import { Inject, Injectable } from '@nestjs/common';
import { Selectable } from 'kysely';
import { RuntimeTargetsTable } from '../../../../projections/runtime-targets/runtime-targets.projector';
import { isWellFormedId } from '../http/well-formed-id';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export type RuntimeTargetRow = Selectable<RuntimeTargetsTable>;

/** Reads of the runtime-target inventory. An organization sees its own targets and the platform's. */
@Injectable()
export class RuntimeTargetQueries {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  private get db() {
    return this.platform.storage.db;
  }

  /** The target, if this organization may use it (its own or a platform one); null organization: the operator's view. */
  visible(organizationId: string | null, id: string): Promise<RuntimeTargetRow | undefined> {
    if (!isWellFormedId(id)) return Promise.resolve(undefined);
    let query = this.db.selectFrom('runtime_targets').selectAll().where('id', '=', id);
    if (organizationId !== null) query = query.where((eb) => eb.or([eb('organization_id', '=', organizationId), eb('organization_id', 'is', null)]));
    return query.executeTakeFirst();
  }

  /** A page of the targets an organization may use, or (null) the platform's own, in id order. */
  page(organizationId: string | null, after: string | undefined, limit: number): Promise<RuntimeTargetRow[]> {
    let query = this.db.selectFrom('runtime_targets').selectAll();
    query = organizationId === null
      ? query.where('organization_id', 'is', null)
      : query.where((eb) => eb.or([eb('organization_id', '=', organizationId), eb('organization_id', 'is', null)]));
    if (after !== undefined) query = query.where('id', '>', after);
    return query.orderBy('id').limit(limit).execute();
  }

  all(): Promise<RuntimeTargetRow[]> {
    return this.db.selectFrom('runtime_targets').selectAll().orderBy('id').execute();
  }

  byIngestTokenHash(hash: string): Promise<RuntimeTargetRow | undefined> {
    return this.db.selectFrom('runtime_targets').selectAll().where('ingest_token_hash', '=', hash).executeTakeFirst();
  }
}
