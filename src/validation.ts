import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** Runs a zod schema over API input; every problem is reported at once with its JSON path. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: ['$', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new DomainError(
    'INVALID_INPUT',
    `Invalid ${what}: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`,
    { problems },
  );
}
