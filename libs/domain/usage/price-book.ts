/**
 * Prices and exact money arithmetic for billing usage.
 *
 * Money is never a floating-point number here: a price is the exact rational `cents / per_units`
 * (cents per `per_units` billable actions), and costs stay exact rationals until the single rounding
 * step of the organization total (`roundHalfUpCents`).
 */

/** `cents` cents per `per_units` billable actions, e.g. `{ cents: 25n, per_units: 1_000_000n }` = 25¢ per million. */
export interface Price {
  readonly cents: bigint;
  readonly per_units: bigint;
}

/** An exact, non-negative amount of cents: `numerator / denominator`, denominator ≥ 1. */
export interface ExactCents {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/**
 * An organization's price book. Organizations without a configured book use `DEFAULT_PRICE_BOOK`
 * (2 cents per billable action); see `priceBookFor`.
 */
export interface PriceBook {
  /** Price of one `billable_action` (the only billing unit of the v1 usage contract). */
  readonly billable_action: Price;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

const toBigInt = (value: bigint | number, name: string): bigint => {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return BigInt(value);
};

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export const Price = Object.freeze({
  /**
   * A validated price in lowest terms. `cents` ≥ 0 and `perUnits` ≥ 1 must be integers
   * (numbers must be safe integers; use bigint or `fromDecimalCents` for anything else).
   */
  of: (cents: bigint | number, perUnits: bigint | number = 1n): Price => {
    const c = toBigInt(cents, 'cents');
    const p = toBigInt(perUnits, 'per_units');
    if (c < 0n) throw new RangeError(`cents must be non-negative, got ${c}`);
    if (p < 1n) throw new RangeError(`per_units must be at least 1, got ${p}`);
    const divisor = c === 0n ? p : gcd(c, p);
    return Object.freeze({ cents: c / divisor, per_units: p / divisor });
  },
  /**
   * Exact price from a decimal string of cents, e.g. `fromDecimalCents('0.000025')` (= 25¢ per million)
   * or `fromDecimalCents('25', 1_000_000n)`. Only plain non-negative decimals are accepted.
   */
  fromDecimalCents: (cents: string, perUnits: bigint | number = 1n): Price => {
    const match = DECIMAL.exec(cents);
    if (!match) throw new RangeError(`cents must be a non-negative decimal string, got ${JSON.stringify(cents)}`);
    const fraction = match[2] ?? '';
    const scale = 10n ** BigInt(fraction.length);
    return Price.of(BigInt(match[1] + fraction), toBigInt(perUnits, 'per_units') * scale);
  },
  /** Exact cost in cents of `units` billable actions. */
  costOf: (price: Price, units: bigint): ExactCents => {
    if (units < 0n) throw new RangeError(`units must be non-negative, got ${units}`);
    return { numerator: units * price.cents, denominator: price.per_units };
  },
});

export const DEFAULT_PRICE_BOOK: PriceBook = Object.freeze({ billable_action: Price.of(2n) });

/** The organization's configured price book, or the default (2 cents per billable action). */
export const priceBookFor = (organizationId: string, configured: ReadonlyMap<string, PriceBook>): PriceBook =>
  configured.get(organizationId) ?? DEFAULT_PRICE_BOOK;

/** Exact cost in cents of `units` billable actions under `priceBook`. */
export const exactCostCents = (units: bigint, priceBook: PriceBook): ExactCents =>
  Price.costOf(priceBook.billable_action, units);

/** Exact sum of exact amounts, in lowest terms. */
export const sumExactCents = (amounts: readonly ExactCents[]): ExactCents => {
  let numerator = 0n;
  let denominator = 1n;
  for (const amount of amounts) {
    const common = (denominator / gcd(denominator, amount.denominator)) * amount.denominator;
    numerator = numerator * (common / denominator) + amount.numerator * (common / amount.denominator);
    denominator = common;
    const divisor = numerator === 0n ? denominator : gcd(numerator, denominator);
    numerator /= divisor;
    denominator /= divisor;
  }
  return { numerator, denominator };
};

/**
 * Whole cents, rounded half up (to the nearest cent; exactly half a cent rounds up).
 * This is the only rounding step in billing: it applies to the exact organization total, and every other
 * amount is an allocation of that rounded total (see `allocateLargestRemainder`).
 */
export const roundHalfUpCents = (amount: ExactCents): bigint => {
  if (amount.numerator < 0n || amount.denominator < 1n) throw new RangeError('amount must be non-negative with a positive denominator');
  return (2n * amount.numerator + amount.denominator) / (2n * amount.denominator);
};
