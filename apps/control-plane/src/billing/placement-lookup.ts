/** Where a namespace that a runtime target reports usage for sits in Cloud's tenancy tree. */
export interface NamespacePlacement {
  readonly organization_id: string;
  /** The Cloud namespace name (unique within the organization). */
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
}

/**
 * Resolves a namespace name as reported by runtime target `runtimeTargetId` for a usage window
 * (`windowStart`/`windowEnd`, RFC 3339 UTC) to the Cloud namespace that was assigned to that target during
 * the window; null when it was not (an unknown namespace, or one of another target or organization).
 * The placement module provides the production implementation; ingestion only depends on this shape.
 */
export type PlacementLookup = (
  runtimeTargetId: string,
  namespaceName: string,
  windowStart: string,
  windowEnd: string,
) => Promise<NamespacePlacement | null>;

/** Asks `lookup` once per distinct (namespace, window) of one batch: records of a batch share windows. */
export function memoizedPlacement(lookup: PlacementLookup): PlacementLookup {
  const cache = new Map<string, Promise<NamespacePlacement | null>>();
  return (runtimeTargetId, namespaceName, windowStart, windowEnd) => {
    const key = JSON.stringify([runtimeTargetId, namespaceName, windowStart, windowEnd]);
    let placement = cache.get(key);
    if (!placement) {
      placement = lookup(runtimeTargetId, namespaceName, windowStart, windowEnd);
      cache.set(key, placement);
    }
    return placement;
  };
}
