import type { ColumnPath, RoleName, Roles } from './spec';
import type { Aggregate, CustomChartType } from './customSpec';

/**
 * The charts' closed lists and the helpers over them, without the schemas of `spec.ts`
 * and `customSpec.ts`: the
 * renderer's first paint needs these but not zod (issue 19, checked by
 * test/integration/rendererChunks.test.ts).
 */

export const chartIds = ['events', 'latency', 'errors', 'status', 'top-endpoints', 'slow-endpoints', 'heatmap', 'histogram', 'patterns'] as const;

export const roleNames = ['time', 'duration', 'status', 'level', 'endpoint', 'method', 'client', 'user', 'message'] as const;

/** How a column filter of the Rows grid compares a column with its value. */
export const columnFilterOps = ['eq', 'ne', 'contains', 'notContains', 'gte', 'lt', 'null', 'notNull'] as const;

export const emptyRoles: Roles = {
  time: null,
  duration: null,
  status: null,
  level: null,
  endpoint: null,
  method: null,
  client: null,
  user: null,
  message: null,
};

/** The column a role points at, whatever its shape. */
export function roleColumn(roles: Roles, role: RoleName): ColumnPath | null {
  return role === 'duration' ? (roles.duration?.column ?? null) : roles[role];
}

/** Types that aggregate rows per x value (the others: histogram bins, scatter points, SQL rows as they are). */
export const isAggregatedType = (type: CustomChartType): boolean => type !== 'histogram' && type !== 'scatter';

/** Aggregates that need a column; `count` counts rows. */
export const needsColumn = (aggregate: Aggregate): boolean => aggregate !== 'count';

/** Aggregates whose empty bucket is 0. */
export const zeroWhenEmpty = (aggregate: Aggregate): boolean => aggregate === 'count' || aggregate === 'count_distinct' || aggregate === 'sum';
