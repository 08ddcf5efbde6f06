import { specFor, testContext } from '../../shared/given-when-then';
import { PriceBookCommand } from './commands';
import { parsePrice, priceBookDecider, priceBookStream } from './decider';
import { PriceBookEvent } from './events';

const given = specFor(priceBookDecider);
const NOW = '2026-05-01T00:00:00.000Z';

const setPrice = (cents: string | number, per_units: string | number): PriceBookCommand => ({
  type: 'SetPriceBook',
  data: { organization_id: 'org_test', billable_action: { cents, per_units } },
  context: testContext({ now: NOW }),
});
const priceSet = (cents: string, per_units: string, set_at = NOW): PriceBookEvent => ({
  type: 'PriceBookSet',
  data: { organization_id: 'org_test', billable_action: { cents, per_units }, set_at },
});

describe('price book decider', () => {
  it('is one stream per organization', () => {
    expect(priceBookStream('org_1')).toBe('price_book-org_1');
  });

  it('sets a price from strings or integers, stored exactly as written', () => {
    given([]).when(setPrice('25', '1000000')).then([priceSet('25', '1000000')]);
    given([]).when(setPrice(3, 1)).then([priceSet('3', '1')]);
    given([]).when(setPrice('0', 7)).then([priceSet('0', '7')]);
  });

  it('replaces a configured price, and setting the same price again changes nothing', () => {
    given([priceSet('2', '1', '2026-04-01T00:00:00.000Z')]).when(setPrice('5', '2')).then([priceSet('5', '2')]);
    given([priceSet('1', '40000')]).when(setPrice('25', '1000000')).then([]);
    given([priceSet('25', '1000000')]).when(setPrice(25, 1_000_000)).then([]);
  });

  it.each([
    ['-1', '1', 'billable_action.cents'],
    ['1.5', '1', 'billable_action.cents'],
    ['01', '1', 'billable_action.cents'],
    [' 1', '1', 'billable_action.cents'],
    [1.5, 1, 'billable_action.cents'],
    [Number.MAX_SAFE_INTEGER + 1, 1, 'billable_action.cents'],
    ['1', '0', 'billable_action.per_units'],
    ['1', '', 'billable_action.per_units'],
    ['1', '1000000000001', 'billable_action.per_units'],
    ['100001', '1', 'billable_action.cents'],
    ['1'.repeat(19), '1', 'billable_action.cents'],
  ])('refuses cents %p per %p units (field %s)', (cents, perUnits, field) => {
    given([]).when(setPrice(cents, perUnits)).thenFails('invalid');
    expect(() => parsePrice({ cents, per_units: perUnits })).toThrow(expect.objectContaining({ field }));
  });

  it('accepts the largest allowed price', () => {
    given([]).when(setPrice('100000', '1')).then([priceSet('100000', '1')]);
  });
});
