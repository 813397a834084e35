/** Writes schema.graphql from the Pothos schema. Run it after changing any GraphQL type. */
import { writeFile } from 'node:fs/promises';
import { printSortedSchema } from '../src/graphql/schema.ts';

await writeFile(new URL('../schema.graphql', import.meta.url), printSortedSchema());
console.log('schema.graphql written');
