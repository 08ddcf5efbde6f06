/**
 * Largest-remainder (Hamilton) apportionment of a non-negative integer total over non-negative integer weights.
 *
 * Each item's exact quota is `total × weight / Σweights` (computed exactly with bigint, no floating point).
 * Every item first receives the floor of its quota; the units left over (always fewer than the number of
 * items with a non-zero remainder) go one each to the items with the largest remainders.
 *
 * Guarantees:
 * - the allocations sum exactly to `total`;
 * - every allocation is the floor or the ceiling of its quota, so it differs from the exact
 *   proportional share by less than 1 (and equals it when the quota is an integer);
 * - a zero weight always receives 0.
 *
 * Tie-breaking (deterministic, independent of sort stability): equal remainders are ordered by larger
 * weight first, then by earlier position in `weights`. Callers fix the meaning of "earlier" by the order
 * of the array they pass (billing passes namespaces sorted by name and action types in page order).
 */
export function allocateLargestRemainder(total: bigint, weights: readonly bigint[]): bigint[];
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[];
export function allocateLargestRemainder(
  total: bigint | number,
  weights: readonly bigint[] | readonly number[],
): bigint[] | number[] {
  if (typeof total === 'bigint') {
    return allocate(total, (weights as readonly bigint[]).map((weight, index) => checkedBigInt(weight, `weights[${index}]`)));
  }
  const allocated = allocate(
    checkedSafeInteger(total, 'total'),
    (weights as readonly number[]).map((weight, index) => checkedSafeInteger(weight, `weights[${index}]`)),
  );
  // Each allocation is ≤ total, which is a safe integer, so the conversion is exact.
  return allocated.map(Number);
}

const allocate = (total: bigint, weights: readonly bigint[]): bigint[] => {
  if (total < 0n) throw new RangeError(`total must be non-negative, got ${total}`);
  weights.forEach((weight, index) => {
    if (weight < 0n) throw new RangeError(`weights[${index}] must be non-negative, got ${weight}`);
  });
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);
  if (weightSum === 0n) {
    if (total === 0n) return weights.map(() => 0n);
    throw new RangeError(`cannot allocate ${total} over weights that sum to zero`);
  }

  const shares = weights.map((weight, index) => {
    const scaled = total * weight;
    // All quotas share the denominator `weightSum`, so remainders compare by numerator alone.
    return { index, weight, floor: scaled / weightSum, remainder: scaled % weightSum };
  });
  let leftover = total - shares.reduce((sum, share) => sum + share.floor, 0n);

  const allocation = shares.map((share) => share.floor);
  const byPriority = [...shares].sort(
    (a, b) => compareDesc(a.remainder, b.remainder) || compareDesc(a.weight, b.weight) || a.index - b.index,
  );
  for (const share of byPriority) {
    if (leftover === 0n) break;
    allocation[share.index] += 1n;
    leftover -= 1n;
  }
  return allocation;
};

const compareDesc = (a: bigint, b: bigint): number => (a === b ? 0 : a > b ? -1 : 1);

const checkedBigInt = (value: bigint, name: string): bigint => {
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be a bigint`);
  return value;
};

const checkedSafeInteger = (value: number, name: string): bigint => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
  return BigInt(value);
};
