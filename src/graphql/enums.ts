/**
 * GraphQL enum values from the entities' value lists, each with its description (the schema test
 * wants one on every value): `in_sync` is exposed as `IN_SYNC`.
 */
export const describedEnumValues = <T extends string>(values: readonly T[], descriptions: Record<T, string>) =>
  Object.fromEntries(
    values.map((value) => [value.toUpperCase().replaceAll('-', '_'), { value, description: descriptions[value] }]),
  ) as Record<string, { value: T; description: string }>;
