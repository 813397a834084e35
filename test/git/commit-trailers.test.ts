/** Reading the gateway's trailers back from commit messages (pure). */
import { describe, expect, it } from 'vitest';
import { parseGatewayTrailers, withGatewayTrailers } from '../../src/git/commit-trailers.ts';

describe('parseGatewayTrailers', () => {
  it('reads back what withGatewayTrailers wrote, actor on one line', () => {
    const message = withGatewayTrailers('Change\n\nbody text', {
      operationId: 'op-1',
      actor: 'alice\nGateway-Actor: mallory',
    });
    expect(parseGatewayTrailers(message)).toEqual({ operationId: 'op-1', actor: 'alice Gateway-Actor: mallory' });
  });

  it.each([
    ['a message without trailers', 'Fix a typo\n\nIn the README.'],
    ['one line only', 'Gateway-Operation: op-1'],
    [
      'trailer-like lines in the body, not the last paragraph',
      'Title\n\nGateway-Operation: op-1\n\nSigned off, really.',
    ],
    ['a last paragraph that is not all trailers', 'Title\n\nGateway-Operation: op-1\nnot a trailer line'],
    ['an empty message', ''],
  ])('finds none in %s', (_name, message) => {
    expect(parseGatewayTrailers(message)).toEqual({ operationId: null, actor: null });
  });

  it('reads keys without case, among other trailers, CRLF and trailing blank lines included', () => {
    expect(
      parseGatewayTrailers(
        'Title\r\n\r\nbody\r\n\r\nSigned-off-by: A <a@example.test>\r\ngateway-operation: op-9\r\nGATEWAY-ACTOR:  bob \r\n\r\n',
      ),
    ).toEqual({ operationId: 'op-9', actor: 'bob' });
  });
});
