/**
 * Every fabric event type is documented: in the schema (a description on the type, each field,
 * each enum value) and in docs/events.md (a row naming its object type and every field), and
 * the documents shown there validate against the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GraphQLEnumType, type GraphQLObjectType, parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import { FABRIC_EVENT_TYPES } from '../../src/events/fabric-events.ts';
import { OPERATION_PHASES, PHASES_BY_TYPE } from '../../src/operations/operation-phases.ts';
import { schema } from '../../src/graphql/schema.ts';

const page = readFileSync(join(import.meta.dirname, '../../docs/events.md'), 'utf8');
const typeNameOf = (type: string) =>
  `${type
    .toLowerCase()
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')}Event`;

it('the schema has one object type per event type, implementing FabricEvent, every field described', () => {
  const eventInterface = schema.getType('FabricEvent');
  expect(eventInterface?.description).toBeTruthy();
  const implementations = schema.getImplementations(eventInterface as never).objects.map((type) => type.name);
  expect(implementations.sort()).toEqual(Object.keys(FABRIC_EVENT_TYPES).map(typeNameOf).sort());
  for (const name of implementations) {
    const type = schema.getType(name) as GraphQLObjectType;
    expect(type.description, name).toBeTruthy();
    for (const field of Object.values(type.getFields()))
      expect(field.description, `${name}.${field.name}`).toBeTruthy();
  }
  const eventTypes = schema.getType('FabricEventType') as GraphQLEnumType;
  expect(
    eventTypes
      .getValues()
      .map((value) => value.name)
      .sort(),
  ).toEqual(Object.keys(FABRIC_EVENT_TYPES).sort());
  for (const value of eventTypes.getValues()) expect(value.description, value.name).toBeTruthy();
});

it('docs/events.md has a row per event type naming its object type and every one of its fields', () => {
  for (const type of Object.keys(FABRIC_EVENT_TYPES)) {
    const typename = typeNameOf(type);
    const row = page.split('\n').find((line) => line.startsWith(`| \`${type}\` (\`${typename}\`)`));
    expect(row, type).toBeDefined();
    const fields = Object.keys((schema.getType(typename) as GraphQLObjectType).getFields()).filter(
      (field) => !['type', 'fabricId', 'at'].includes(field),
    );
    for (const field of fields) expect(row, `${type}.${field}`).toContain(`\`${field}\``);
  }
});

it('SyncOperationPhase describes every phase and lists the phases of every operation type', () => {
  const phases = schema.getType('SyncOperationPhase') as GraphQLEnumType;
  expect(
    phases
      .getValues()
      .map((value) => value.value)
      .sort(),
  ).toEqual([...OPERATION_PHASES].sort());
  for (const value of phases.getValues()) expect(value.description, value.name).toBeTruthy();
  for (const [type, list] of Object.entries(PHASES_BY_TYPE)) {
    const line = phases.description?.split('\n').find((entry) => entry.startsWith(`- ${type.toUpperCase()}:`));
    expect(line, type).toBeDefined();
    for (const phase of list) expect(line).toContain(phase.toUpperCase());
  }
});

it('the subscriptions shown in docs/events.md validate against the schema', () => {
  const documents = [...page.matchAll(/```graphql\n(subscription[\s\S]*?)```/g)].map((match) => match[1]!);
  expect(documents.length).toBeGreaterThanOrEqual(2);
  for (const document of documents) expect(validate(schema, parse(document)), document).toEqual([]);
});
