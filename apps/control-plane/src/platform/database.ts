import { openStorage as openStorageOf, Storage as StorageOf, StorageOptions } from '../../../../libs/read-model/src/storage';
import { CheckpointTables } from '../../../../libs/read-model/src/projection/checkpoints';
import { ReadModelTables } from '../../../../projections';
import { UsagePullCursorTables } from '../usage-ingest/usage-cursors';
import { InfrastructureTables } from './infrastructure-tables';

/**
 * The one kysely `Database` type, assembled here at the composition root from the tables each owner
 * declares: the projection runner's checkpoints (libs/read-model), every projector's tables (projections/),
 * and the control plane's own infrastructure tables. Libraries never see this type; each projector writes
 * through `Kysely<TheirTables>`, and queries read these same table types through `Selectable<…>`.
 */
export interface Database extends CheckpointTables, ReadModelTables, InfrastructureTables, UsagePullCursorTables {}

export type Storage = StorageOf<Database>;

export const openStorage = (options: StorageOptions): Promise<Storage> => openStorageOf<Database>(options);
