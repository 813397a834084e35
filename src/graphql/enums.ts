/** GraphQL enum values from the entities' value lists: `in_sync` is exposed as `IN_SYNC`. */
export const enumValues = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<string, { value: T }>;

/** Like `enumValues`, with a description for every value (the schema test wants one on each). */
export const describedEnumValues = <T extends string>(values: readonly T[], descriptions: Record<T, string>) =>
  Object.fromEntries(
    values.map((value) => [value.toUpperCase().replaceAll('-', '_'), { value, description: descriptions[value] }]),
  ) as Record<string, { value: T; description: string }>;
