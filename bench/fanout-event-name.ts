/**
 * The name of a `fabricEvents` event in the bytes of a graphql-ws `next` message, as
 * bench/fanout-clients.ts's raw subscribers find it: without decoding or parsing the message.
 */
/** The start of every `next` message to the raw subscribers (their operation id is `1`). */
const NEXT_START = Buffer.from('{"id":"1","type":"next","payload":{"data":{"fabricEvents":{');
const NAME_KEY = Buffer.from('"name":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The event name in a `next` message's bytes, without parsing the message: the message must
 * start as graphql-ws's `next` for id `1` does, and the name is the text of the first `"name":`
 * in it (the subscription's selection has one, a string the bench chose without escapes).
 */
export function eventName(data: Buffer, start: number, end: number): string | null {
  if (
    end - start < NEXT_START.length ||
    data.compare(NEXT_START, 0, NEXT_START.length, start, start + NEXT_START.length) !== 0
  )
    return null;
  const key = data.indexOf(NAME_KEY, start + NEXT_START.length);
  if (key === -1 || key >= end) return null;
  const from = key + NAME_KEY.length;
  const to = data.indexOf(QUOTE, from);
  if (to === -1 || to >= end || data[to - 1] === BACKSLASH) return null;
  return data.toString('latin1', from, to);
}
