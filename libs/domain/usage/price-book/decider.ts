import { assertNever, Decider } from '../../shared/decider';
import { invalid } from '../../shared/errors';
import { Price } from '../price-book';
import { IntegerInput, PriceBookCommand } from './commands';
import { PriceBookEvent, StoredPrice } from './events';

/** One stream per organization. */
export const priceBookStream = (organizationId: string): string => `price_book-${organizationId}`;

/** Upper bounds that keep every document amount a safe JSON integer for realistic usage. */
export const MAX_PER_UNITS = 1_000_000_000_000n;
/** At most 1,000 dollars (100,000 cents) per billable action. */
export const MAX_CENTS_PER_ACTION = 100_000n;

export type PriceBookState =
  | { readonly status: 'default' }
  | { readonly status: 'set'; readonly billable_action: Price; readonly set_at: string };

const DIGITS = /^(0|[1-9][0-9]{0,17})$/;

/** A non-negative integer from a JSON integer or a string of at most 18 digits (no sign, no leading zeros, no fraction). */
const integerOf = (value: IntegerInput, field: string): bigint => {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  } else if (typeof value === 'string' && DIGITS.test(value)) {
    return BigInt(value);
  }
  throw invalid(`${field} must be a non-negative integer (a JSON integer or a string of digits), got ${JSON.stringify(value)}`, field);
};

/** The validated price exactly as given (not reduced), or a DomainError naming the offending field. */
export const parsePrice = (input: { readonly cents: IntegerInput; readonly per_units: IntegerInput }): Price => {
  const cents = integerOf(input.cents, 'billable_action.cents');
  const perUnits = integerOf(input.per_units, 'billable_action.per_units');
  if (perUnits < 1n || perUnits > MAX_PER_UNITS) {
    throw invalid(`billable_action.per_units must be between 1 and ${MAX_PER_UNITS}`, 'billable_action.per_units');
  }
  if (cents > MAX_CENTS_PER_ACTION * perUnits) {
    throw invalid(`billable_action.cents may be at most ${MAX_CENTS_PER_ACTION} per billable action`, 'billable_action.cents');
  }
  return { cents, per_units: perUnits };
};

/** Equal prices in any terms (`25 / 1000000` equals `1 / 40000`). */
export const samePrice = (a: Price, b: Price): boolean => a.cents * b.per_units === b.cents * a.per_units;

export const storedPrice = (price: Price): StoredPrice => ({ cents: price.cents.toString(), per_units: price.per_units.toString() });
/** The stored price as written; `Price.of` reduces it for arithmetic where lowest terms matter. */
export const priceOf = (stored: StoredPrice): Price => ({ cents: BigInt(stored.cents), per_units: BigInt(stored.per_units) });

/** The organization's price book: unset means the default (2 cents per billable action). */
export const priceBookDecider: Decider<PriceBookState, PriceBookCommand, PriceBookEvent> = {
  initialState: () => ({ status: 'default' }),

  decide(command, state) {
    switch (command.type) {
      case 'SetPriceBook': {
        const price = parsePrice(command.data.billable_action);
        // Setting the price it already has changes nothing (a retried or repeated PUT).
        if (state.status === 'set' && samePrice(state.billable_action, price)) return [];
        return [{
          type: 'PriceBookSet',
          data: { organization_id: command.data.organization_id, billable_action: storedPrice(price), set_at: command.context.now },
        }];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'PriceBookSet':
        return { status: 'set', billable_action: priceOf(event.data.billable_action), set_at: event.data.set_at };
      default:
        return assertNever(event.type);
    }
  },
};
