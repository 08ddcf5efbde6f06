import { DomainEvent } from '../../shared/event';

/** A price as stored in events: exact integers written as decimal strings (JSON numbers would lose precision). */
export interface StoredPrice {
  readonly cents: string;
  readonly per_units: string;
}

/**
 * The organization's price book was set (or replaced). Storage contract: the type string never changes.
 * The price is stored as the operator wrote it (`25` cents per `1000000`), not reduced.
 */
export type PriceBookSet = DomainEvent<'PriceBookSet', {
  readonly organization_id: string;
  readonly billable_action: StoredPrice;
  readonly set_at: string;
}>;

export type PriceBookEvent = PriceBookSet;

export const PriceBookEvent = Object.freeze({
  types: Object.freeze(['PriceBookSet'] as const),
});
