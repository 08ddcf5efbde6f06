/**
 * Stream names of usage ingestion, one function each. Usage records are observations keyed by their
 * record id (not decisions about a stream's state), so they are appended with expected revision "any";
 * a stream per organization, namespace and UTC day keeps each stream small and each append local.
 */

/** UTC calendar day (`YYYY-MM-DD`) of a normalized `toISOString()` timestamp: the day a record is billed on. */
export const usageDayOf = (windowStart: string): string => windowStart.slice(0, 10);

/** Accepted records of one namespace and UTC day (of `window_start`). */
export const usageStream = (organizationId: string, namespace: string, day: string): string => `usage-${organizationId}.${namespace}.${day}`;

/**
 * Refused records of one runtime target. A refused record may name no organization at all (an unknown
 * namespace), so these streams are keyed by the reporting target.
 */
export const usageRejectionsStream = (runtimeTargetId: string): string => `usage_rejections-${runtimeTargetId}`;
