import { DEFAULT_PRICE_BOOK, exactCostCents, Price, priceBookFor, PriceBook, roundHalfUpCents, sumExactCents } from './price-book';

describe('Price', () => {
  it('keeps prices exact and in lowest terms', () => {
    expect(Price.of(2)).toEqual({ cents: 2n, per_units: 1n });
    expect(Price.of(50n, 1_000_000n)).toEqual({ cents: 1n, per_units: 20_000n });
    expect(Price.of(0, 1000)).toEqual({ cents: 0n, per_units: 1n });
  });

  it('parses decimal cents without floating point', () => {
    expect(Price.fromDecimalCents('0.000025')).toEqual(Price.of(25n, 1_000_000n));
    expect(Price.fromDecimalCents('25', 1_000_000n)).toEqual(Price.of(25n, 1_000_000n));
    expect(Price.fromDecimalCents('0.1')).toEqual({ cents: 1n, per_units: 10n });
    expect(Price.fromDecimalCents('2.50')).toEqual({ cents: 5n, per_units: 2n });
  });

  it('refuses negative, non-integer or malformed prices', () => {
    expect(() => Price.of(-1)).toThrow(RangeError);
    expect(() => Price.of(1, 0)).toThrow(RangeError);
    expect(() => Price.of(0.5)).toThrow(RangeError);
    for (const text of ['-1', '1e-6', '.5', '1.', '', ' 1', '0x10']) {
      expect(() => Price.fromDecimalCents(text)).toThrow(RangeError);
    }
  });
});

describe('price book', () => {
  it('defaults to 2 cents per billable action', () => {
    expect(DEFAULT_PRICE_BOOK.billable_action).toEqual({ cents: 2n, per_units: 1n });
    expect(exactCostCents(120n, DEFAULT_PRICE_BOOK)).toEqual({ numerator: 240n, denominator: 1n });
  });

  it("uses an organization's own price book when it has one", () => {
    const discounted: PriceBook = { billable_action: Price.fromDecimalCents('30', 1_000_000n) };
    const books = new Map([['org_big', discounted]]);
    expect(priceBookFor('org_big', books)).toBe(discounted);
    expect(priceBookFor('org_small', books)).toBe(DEFAULT_PRICE_BOOK);
  });

  it('rounds half up to whole cents', () => {
    expect(roundHalfUpCents({ numerator: 3n, denominator: 2n })).toBe(2n);
    expect(roundHalfUpCents({ numerator: 5n, denominator: 2n })).toBe(3n);
    expect(roundHalfUpCents({ numerator: 149n, denominator: 100n })).toBe(1n);
    expect(roundHalfUpCents({ numerator: 0n, denominator: 7n })).toBe(0n);
    expect(roundHalfUpCents({ numerator: 240n, denominator: 1n })).toBe(240n);
    expect(() => roundHalfUpCents({ numerator: -1n, denominator: 2n })).toThrow(RangeError);
  });

  it('adds exact amounts with different denominators', () => {
    expect(sumExactCents([{ numerator: 1n, denominator: 3n }, { numerator: 1n, denominator: 6n }])).toEqual({ numerator: 1n, denominator: 2n });
    expect(sumExactCents([])).toEqual({ numerator: 0n, denominator: 1n });
  });
});
