import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';

const it = appTest;

it('masks an unexpected failure for the client, logs it, and tags every request with an id', async ({ t }) => {
  const fabric = await createFabric(t);
  const operation = await t.app
    .services()
    .operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
  // Break the database underneath the gateway: the next read of the log fails inside the ORM.
  await queryDatabase(t.database.url, 'alter table sync_event rename to sync_event_gone');
  try {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'masking-test-1',
        authorization: `Bearer ${t.adminToken}`,
      },
      body: JSON.stringify({
        query: `query($id: ID!) { syncOperation(id: $id) { id events { edges { node { message } } } } }`,
        variables: { id: operation.id },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('masking-test-1');
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(body)).not.toMatch(/sync_event|relation|select/i);

    const lines = t
      .logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    const logged = lines.find((line) => line.msg === 'unexpected error while resolving a request');
    // The class, the SQLSTATE and the stack frames; never the message (it may quote what a client sent).
    expect(logged?.error).toMatchObject({
      class: 'TableNotFoundException',
      code: '42P01',
      frames: expect.arrayContaining([expect.stringMatching(/^at /)]),
    });
    expect(logged?.path).toEqual(['syncOperation', 'events']);
    const request = lines.find((line) => line.msg === 'request' && line.requestId === 'masking-test-1');
    expect(request).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
    expect(typeof request?.durationMs).toBe('number');
  } finally {
    await queryDatabase(t.database.url, 'alter table sync_event_gone rename to sync_event');
  }
});
