import { createHash } from 'node:crypto';

/** Git's blob object id: sha1 of `blob <byte length>\0` followed by the bytes. Strings are UTF-8. */
export function gitBlobOid(contents: Uint8Array | string): string {
  const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

export function toBytes(contents: Uint8Array | string): Uint8Array {
  return typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
}
