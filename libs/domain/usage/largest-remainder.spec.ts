import fc from 'fast-check';
import { allocateLargestRemainder } from './largest-remainder';

describe('allocateLargestRemainder', () => {
  it('gives each item the floor of its quota, then the leftover to the largest remainders', () => {
    // quotas 10×(5,3,2)/10 are exact
    expect(allocateLargestRemainder(10n, [5n, 3n, 2n])).toEqual([5n, 3n, 2n]);
    // quotas 7×(1,1,1)/3 = 2.33 each: one leftover, tie on remainder and weight → earliest item
    expect(allocateLargestRemainder(7n, [1n, 1n, 1n])).toEqual([3n, 2n, 2n]);
    // quotas 10×(1,2,4)/7 = 1.43, 2.86, 5.71: floors 1,2,5, two leftovers to remainders .86 and .71
    expect(allocateLargestRemainder(10n, [1n, 2n, 4n])).toEqual([1n, 3n, 6n]);
  });

  it('breaks remainder ties by larger weight, then by earlier position', () => {
    // quotas 3×(1,3)/4 = 0.75, 2.25 → floors 0,2; leftover 1 to remainder .75
    expect(allocateLargestRemainder(3n, [1n, 3n])).toEqual([1n, 2n]);
    // quotas 1×(1,3,1,3)/8: remainders 1/8,3/8,1/8,3/8 → the earlier of the two weight-3 items
    expect(allocateLargestRemainder(1n, [1n, 3n, 1n, 3n])).toEqual([0n, 1n, 0n, 0n]);
    // remainders 2×(1,1,3,3)/8 = 2/8,2/8,6/8,6/8 → both weight-3 items
    expect(allocateLargestRemainder(2n, [1n, 1n, 3n, 3n])).toEqual([0n, 0n, 1n, 1n]);
    // equal remainders and weights → position decides
    expect(allocateLargestRemainder(1n, [2n, 2n])).toEqual([1n, 0n]);
  });

  it('never gives anything to a zero weight', () => {
    expect(allocateLargestRemainder(5n, [0n, 1n, 0n, 1n])).toEqual([0n, 3n, 0n, 2n]);
    expect(allocateLargestRemainder(0n, [0n, 0n])).toEqual([0n, 0n]);
    expect(allocateLargestRemainder(0n, [])).toEqual([]);
  });

  it('works on numbers as well as bigints', () => {
    expect(allocateLargestRemainder(7, [1, 1, 1])).toEqual([3, 2, 2]);
  });

  it('refuses what it cannot allocate exactly', () => {
    expect(() => allocateLargestRemainder(1n, [0n, 0n])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1n, [])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(-1n, [1n])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1n, [1n, -1n])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1.5, [1])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1, [0.5])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(Number.MAX_SAFE_INTEGER + 1, [1])).toThrow(RangeError);
  });

  const input = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 25 }))
    .map(([total, weights]) => ({ total: weights.some((weight) => weight > 0n) ? total : 0n, weights }));

  it('(property) sums to the total and stays within 1 of every exact quota', () => {
    fc.assert(
      fc.property(input, ({ total, weights }) => {
        const allocation = allocateLargestRemainder(total, weights);
        const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);
        expect(allocation).toHaveLength(weights.length);
        expect(allocation.reduce((sum, value) => sum + value, 0n)).toBe(total);
        allocation.forEach((allocated, i) => {
          if (weightSum === 0n) return expect(allocated).toBe(0n);
          // floor(quota) ≤ allocated ≤ ceil(quota)  ⇔  allocated·W − total·w ∈ (−W, W)
          const difference = allocated * weightSum - total * weights[i];
          expect(difference > -weightSum && difference < weightSum).toBe(true);
          if (weights[i] === 0n) expect(allocated).toBe(0n);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('(property) is monotone in the weights: a larger weight never receives less', () => {
    fc.assert(
      fc.property(input, ({ total, weights }) => {
        const allocation = allocateLargestRemainder(total, weights);
        weights.forEach((a, i) => weights.forEach((b, j) => {
          if (a > b) expect(allocation[i] >= allocation[j]).toBe(true);
        }));
      }),
      { numRuns: 300 },
    );
  });

  it('(property) the number form agrees with the bigint form', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 20 }), (total, weights) => {
        fc.pre(weights.some((weight) => weight > 0));
        expect(allocateLargestRemainder(total, weights)).toEqual(
          allocateLargestRemainder(BigInt(total), weights.map(BigInt)).map(Number),
        );
      }),
    );
  });
});
