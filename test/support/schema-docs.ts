/** Reading the schema's documentation: what lacks a description, which error codes a description lists. */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';

/** Coordinates (schema coordinates, as in the GraphQL spec RFC) of everything lacking a description. */
export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing.sort();
}

/** The codes a mutation's description lists on its "Errors:" line; null without one. */
export function listedErrorCodes(description: string | null | undefined): string[] | null {
  const line = description?.split('\n').find((text) => text.startsWith('Errors: '));
  if (!line) return null;
  return line
    .slice('Errors: '.length)
    .replace(/\.$/, '')
    .split(',')
    .map((code) => code.trim());
}
