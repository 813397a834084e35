/** GraphQL enum values from the entities' value lists: `in_sync` is exposed as `IN_SYNC`. */
export const enumValues = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<string, { value: T }>;
