import { DomainCommand } from '../../shared/event';

/** An amount as it arrives from a request: a JSON integer or a string of decimal digits. */
export type IntegerInput = string | number;

/** Sets the organization's price book: `cents` cents per `per_units` billable actions. */
export type SetPriceBook = DomainCommand<'SetPriceBook', {
  readonly organization_id: string;
  readonly billable_action: { readonly cents: IntegerInput; readonly per_units: IntegerInput };
}>;

export type PriceBookCommand = SetPriceBook;
