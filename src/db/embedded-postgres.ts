import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ProtocolCycleQueue } from './pglite-protocol-queue.ts';

/**
 * PGlite (PostgreSQL compiled to WebAssembly) persisted in a directory and served on a loopback
 * TCP port, so the ordinary `pg` driver, the same SQL and the same migrations run against it and
 * against a real server. PGlite is a single session: the socket server queues the connections'
 * messages and (with our queue, pglite-protocol-queue.ts) keeps a transaction and a protocol
 * cycle on the connection that opened it, so several connections are safe as long as nobody holds
 * a transaction open while waiting on another connection.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  /** Directory for the data files; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  port?: number;
}): Promise<EmbeddedPostgres> {
  if (!options.dataDir.startsWith('memory://')) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 32 });
  // The server's own queue interleaves the protocol cycles of its connections (see
  // pglite-protocol-queue.ts); it is read when each connection is accepted, so replacing it
  // before start() gives every connection ours.
  (server as unknown as { queryQueue: ProtocolCycleQueue }).queryQueue = new ProtocolCycleQueue(db);
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
