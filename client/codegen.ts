/**
 * GraphQL Code Generator's client preset: `schema.graphql` plus every document the repository
 * sends through the typed client, into `client/src/generated/`. Regenerate with `npm run codegen`
 * (test/client/generated.test.ts fails while the output is stale).
 *
 * Documents are the `graphql(...)` calls in client/, examples/ and test/client/, and the
 * `.graphql` files in client/documents/ (whole operations, shared with the Relay check).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the generated files go, relative to the repository root (a folder: the trailing slash matters). */
export const GENERATED_DIR = 'client/src/generated/';

/** The configuration, writing into `outputDir` (relative to the repository root). */
export function codegenConfig(outputDir = GENERATED_DIR): CodegenConfig {
  return {
    cwd: ROOT,
    schema: 'schema.graphql',
    documents: [
      'client/src/**/*.ts',
      'client/documents/**/*.graphql',
      'examples/**/*.ts',
      'test/client/**/*.ts',
      `!${GENERATED_DIR}**`,
    ],
    ignoreNoDocuments: false,
    silent: true,
    generates: {
      [outputDir]: {
        preset: 'client',
        presetConfig: {
          // Scripts and tests read whole results; fragments are for sharing selections only.
          fragmentMasking: false,
        },
        config: {
          // Node runs the files as they are (type stripping): `import type`, `.ts` imports, no enums.
          useTypeImports: true,
          importExtension: '.ts',
          enumType: 'string-literal',
          scalars: {
            DateTime: 'string',
            JSON: 'unknown',
          },
          strictScalars: true,
        },
      },
    },
  };
}

export default codegenConfig();
