import { MembershipEvent } from '../../libs/domain/identity/membership/events';
import { eventByEvent, Projector } from '../../libs/read-model/src/projection/projector';
import { Timestamp } from '../../libs/read-model/src/column-types';
import { decodeEvent } from '../../libs/event-store/src/event-decoding';

/** Users and service accounts of each organization: the principals API keys resolve to. */
export interface MembersTable {
  organization_id: string;
  principal_id: string;
  kind: 'user' | 'service_account';
  email: string | null;
  name: string | null;
  organization_role: string | null;
  state: 'active' | 'removed';
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The tables this projector owns (the composition root assembles `Database` from these maps). */
export interface MembersTables {
  members: MembersTable;
}

export const membersProjector: Projector<MembersTables> = {
  name: 'members',
  handles: new Set<string>(MembershipEvent.types),
  tables: ['members'],
  createTables: async (db) => {
    await db.schema.createTable('members').ifNotExists()
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('principal_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('name', 'text')
      .addColumn('organization_role', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('members_pk', ['organization_id', 'principal_id'])
      .execute();
  },
  applyBatch: eventByEvent(async (trx, recorded) => {
    const event = decodeEvent<MembershipEvent>(recorded);
    switch (event.type) {
      case 'UserAdded': {
        const { organization_id, user_id, email, organization_role, added_at } = event.data;
        await trx.insertInto('members').values({
          organization_id, principal_id: user_id, kind: 'user', email, name: null, organization_role, state: 'active', created_at: added_at, updated_at: added_at,
        }).onConflict((oc) => oc.columns(['organization_id', 'principal_id']).doNothing()).execute();
        return;
      }
      case 'ServiceAccountCreated': {
        const { organization_id, service_account_id, name, created_at } = event.data;
        await trx.insertInto('members').values({
          organization_id, principal_id: service_account_id, kind: 'service_account', email: null, name, organization_role: null,
          state: 'active', created_at, updated_at: created_at,
        }).onConflict((oc) => oc.columns(['organization_id', 'principal_id']).doNothing()).execute();
        return;
      }
      case 'MemberRoleChanged':
        await trx.updateTable('members').set({ organization_role: event.data.organization_role, updated_at: event.data.changed_at })
          .where('organization_id', '=', event.data.organization_id).where('principal_id', '=', event.data.member_id).execute();
        return;
      case 'MemberRemoved':
        await trx.updateTable('members').set({ state: 'removed', updated_at: event.data.removed_at })
          .where('organization_id', '=', event.data.organization_id).where('principal_id', '=', event.data.member_id).execute();
        return;
      case 'ServiceAccountRemoved':
        await trx.updateTable('members').set({ state: 'removed', updated_at: event.data.removed_at })
          .where('organization_id', '=', event.data.organization_id).where('principal_id', '=', event.data.service_account_id).execute();
        return;
    }
  }),
};
