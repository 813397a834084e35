/**
 * Read-path figures (issue 16): a gateway on PostgreSQL with a generated fabric of about 10,000
 * objects (ingested from Git as bench/ingest.ts does), loaded with autocannon for a bounded time
 * per row, next to baselines measured in the same run:
 *
 * - the SQL statements the gateway sent for one such request, replayed with `pg` at the same
 *   concurrency (what the database alone costs);
 * - a bare graphql-yoga serving a static copy of the same page (what serialising it costs);
 * - a trivial query on that bare yoga and on the gateway (the fixed cost of a request).
 *
 * The gateway and the bare yoga each run in a child process of their own, so the load generator
 * does not share their event loop. Prints requests/s, p50 and p99 (ms), the load average before
 * each row, and the ratios.
 *
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/read-path.ts [seconds=12]
 *   PROFILE=dir ... : the gateway's CPU is profiled while the rows run (node:inspector), written to
 *                     dir/read-path.cpuprofile (open it in Chrome DevTools or summarise it with
 *                     bench/profile-summary.ts).
 *   ROWS=page10,last : run only these rows (page10 page50 last one gatewayTrivial).
 *   FABRIC=small    : a fabric of about 100 objects instead of 10,028 (quicker to set up).
 *   BASE=dir ...    : also start the gateway of another checkout (dir: its bench/read-path.ts and
 *                     src/, e.g. `git archive main | tar -x -C dir` with node_modules linked in), on
 *                     a database and fabric of its own, and run each gateway row on both, in
 *                     alternating slices (A B B A ...), so that both see the same machine load;
 *                     prints each side's req/s and CPU per request and their ratio (SLICES=n
 *                     slices per row, default 6).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const SELF = fileURLToPath(import.meta.url);
const role = process.argv[2];

/** One SQL statement as sent, for pg. */
interface Statement {
  text: string;
  values: unknown[];
}

/** What the gateway child tells the parent once it serves. */
interface GatewayReady {
  url: string;
  token: string;
  fabricId: string;
  resourceId: string;
  objects: number;
  databaseUrl: string;
}

const PAGE_QUERY = `query Page($f: ID!, $after: String) {
  resources(fabricId: $f, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind namespace name desired { spec labels commit managedFilePath } } }
  }
}`;
const ONE_QUERY = `query One($id: ID!) { resource(id: $id) { id kind namespace name desired { spec labels commit managedFilePath } } }`;
const TRIVIAL_QUERY = '{ __typename }';

// ---------------------------------------------------------------------------------------------
// Child: the gateway with a 10,000-object fabric.
async function serveGateway(): Promise<void> {
  const { buildApp } = await import('../src/app.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { generateFabric, renderMultiDocument } = await import('../src/hedgehog/generate-fabric.ts');
  const { createTestDatabase } = await import('../test/support/database.ts');
  const { createBareRepository, pushFromAnotherClone, removeScratchDirs } = await import(
    '../test/support/git-fixtures.ts'
  );

  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'hnp-read-bench-'));
  const remote = await createBareRepository();
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    // As deployed: request lines logged at info, to stdout (a pipe the bench reads and drops, as a log shipper would read it).
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    OPERATION_RUNNER: 'in-process',
    HEAD_CHECK: 'false',
    QUERIES_PER_MINUTE: '100000000',
  });
  const logger = createLogger({ level: config.logLevel });
  const statements = new Map<string, Statement[]>();
  const app = await buildApp(config, {
    logger,
    onFirstAdminToken: false,
    onQuery: (sql, requestId, params) => {
      // Only the requests whose statements are replayed: the rest costs the gateway nothing here.
      if (!requestId?.startsWith('capture-')) return;
      // As pg takes them: $n placeholders (the ORM logs knex-style ?).
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      statements.set(requestId, [...(statements.get(requestId) ?? []), { text, values: [...params] }]);
    },
  });
  await app.start();
  const services = app.services();
  const repository = await services.gitRepositories.create({ name: 'bench', url: `file://${remote}`, provider: 'git' });
  const fabric = await services.fabrics.create({ name: 'bench', gitRepositoryId: repository.id });
  await pushFromAnotherClone(remote, { files: { 'README.md': '# bench\n' } });
  const progress = (operationId: string) => ({ operationId, actor: 'bench', report: async () => {} });
  await services.gitops.initializeDirectory(fabric.id, progress('00000000-0000-4000-8000-000000000001'));
  // FABRIC=small: about 100 objects, for the rows whose cost does not depend on the fabric's size
  // (resource(id), `{ __typename }`; a page reads 101 rows of the index either way).
  const objects =
    process.env.FABRIC === 'small'
      ? generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 8, vpcs: 20 })
      : generateFabric({ spines: 4, leaves: 64, serversPerLeafPair: 96, vpcs: 300 });
  await pushFromAnotherClone(remote, { files: { 'fabric/raw/fabric.yaml': renderMultiDocument(objects) } });
  await app.services().gitops.ingest(fabric.id, progress('00000000-0000-4000-8000-000000000002'));
  // The fabric at rest: what autovacuum does within a minute of a large ingestion (statistics for the
  // planner, the visibility map for index-only counts).
  await app.services().em.getConnection().execute('vacuum (analyze) resource');
  const { token } = await app.services().tokens.create({ name: 'bench', role: 'viewer' }, 'bench');
  const [row] = await app
    .services()
    .em.getConnection()
    .execute<{ id: string }[]>(`select id from resource where fabric_id = ? order by name limit 1 offset ?`, [
      fabric.id,
      Math.min(5000, Math.floor(objects.length / 2)),
    ]);
  const ready: GatewayReady = {
    url: app.url,
    token,
    fabricId: fabric.id,
    resourceId: row!.id,
    objects: objects.length,
    databaseUrl: database.url,
  };
  process.send?.({ ready });
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  process.on('message', async (message: { statementsOf?: string; stop?: boolean; profile?: string; cpu?: boolean }) => {
    if (message.statementsOf) process.send?.({ statements: statements.get(message.statementsOf) ?? [] });
    if (message.cpu) process.send?.({ cpuUsage: process.cpuUsage() });
    if (message.profile === 'start') {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      process.send?.({ profiling: true });
    } else if (message.profile) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(message.profile, JSON.stringify(profile));
      process.send?.({ profiled: message.profile });
    }
    if (message.stop) {
      await app.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
      await removeScratchDirs();
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Child: a bare graphql-yoga serving a static page of the same shape.
async function serveBareYoga(): Promise<void> {
  const { createServer } = await import('node:http');
  const { createSchema, createYoga } = await import('graphql-yoga');
  const page = await new Promise<unknown>((resolve) => process.once('message', (message) => resolve(message)));
  const one = (page as { edges: { node: unknown }[] }).edges[0]!.node;
  const yoga = createYoga({
    logging: false,
    landingPage: false,
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        scalar JSON
        type Desired { spec: JSON labels: JSON commit: String managedFilePath: String }
        type Resource { id: ID! kind: String! namespace: String! name: String! desired: Desired }
        type Edge { cursor: String! node: Resource! }
        type PageInfo { hasNextPage: Boolean! endCursor: String }
        type Page { totalCount: Int! pageInfo: PageInfo! edges: [Edge!]! }
        type Query { resources(fabricId: ID!, first: Int, after: String): Page! resource(id: ID!): Resource }
      `,
      resolvers: { Query: { resources: () => page, resource: () => one } },
    }),
  });
  const server = createServer(yoga);
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.send?.({ url: `http://127.0.0.1:${address.port}` });
  });
  process.on('message', (message: { stop?: boolean; cpu?: boolean }) => {
    if (message.cpu) process.send?.({ cpuUsage: process.cpuUsage() });
    if (message.stop) server.close(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------
// Parent: the load generator.
interface Figures {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  load: string;
  /** CPU time (user + system) the server process spent per request during the row, ms. */
  cpuPerRequest?: number;
}

/** CPU time used by a child process so far (it answers with process.cpuUsage()). */
async function cpuOf(server: ChildProcess): Promise<number> {
  server.send({ cpu: true });
  const usage = await nextMessage<{ user: number; system: number }>(server, 'cpuUsage');
  return (usage.user + usage.system) / 1000;
}

const seconds = Number(role) || 12;
const loadText = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function child(mode: string, root?: string): ChildProcess {
  const started = fork(root ? join(root, 'bench', 'read-path.ts') : SELF, [mode], {
    execArgv: ['--import', 'tsx'],
    // The gateway's log lines: read and dropped.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    ...(root ? { cwd: root } : {}),
  });
  started.stdout?.resume();
  return started;
}

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code}`));
    const onMessage = (message: Record<string, unknown>) => {
      if (key in message) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message[key] as T);
      }
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function post(url: string, token: string | null, query: string, variables: object, requestId?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function loadHttp(
  server: ChildProcess,
  label: string,
  url: string,
  token: string | null,
  query: string,
  variables: object,
  connections: number,
): Promise<Figures> {
  const load = loadText();
  let errors = 0;
  const cpuBefore = await cpuOf(server);
  const result = await autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    requests: [
      {
        // A 200 carrying GraphQL errors (a refused token, a rate limit) counts as an error.
        onResponse: (status: number, body: string) => {
          if (status !== 200 || body.startsWith('{"errors"')) errors++;
        },
      },
    ],
  } as autocannon.Options);
  const cpuPerRequest = ((await cpuOf(server)) - cpuBefore) / Math.max(1, result.requests.total);
  errors += result.non2xx + result.errors + result.timeouts;
  return {
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    load,
    cpuPerRequest,
  };
}

/** One gateway of an A/B comparison (BASE=dir). */
interface Side {
  name: string;
  server: ChildProcess;
  url: string;
  token: string;
  variables: object;
}

/**
 * The same load on two gateways in alternating slices (A B B A A B ...), `slices` in all, each
 * `seconds / slices` long: both sides see the same machine load, whatever the other sessions on
 * the machine do meanwhile. Requests per second and CPU per request of each side over its slices.
 */
async function loadAlternating(
  label: string,
  sides: [Side, Side],
  query: string,
  connections: number,
  slices = Number(process.env.SLICES) || 6,
) {
  const totals = sides.map(() => ({ requests: 0, cpu: 0, errors: 0, p99: 0 }));
  const load = loadText();
  const slice = Math.max(1, Math.round(seconds / slices));
  for (let index = 0; index < slices; index++) {
    const order = index % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const side = sides[which]!;
      const cpuBefore = await cpuOf(side.server);
      const result = await autocannon({
        url: `${side.url}/graphql`,
        connections,
        duration: slice,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${side.token}` },
        body: JSON.stringify({ query, variables: side.variables }),
      } as autocannon.Options);
      const total = totals[which]!;
      total.cpu += (await cpuOf(side.server)) - cpuBefore;
      total.requests += result.requests.total;
      total.errors += result.non2xx + result.errors + result.timeouts;
      total.p99 = Math.max(total.p99, result.latency.p99);
    }
  }
  const figures = sides.map((side, which) => {
    const total = totals[which]!;
    return {
      name: side.name,
      rps: total.requests / (slice * slices),
      cpuPerRequest: total.cpu / Math.max(1, total.requests),
      errors: total.errors,
      p99: total.p99,
    };
  });
  for (const figure of figures)
    console.log(
      `${`${label}: ${figure.name}`.padEnd(48)} ${figure.rps.toFixed(0).padStart(6)} req/s  worst slice p99 ${figure.p99.toFixed(1).padStart(6)} ms  cpu ${figure.cpuPerRequest.toFixed(3)} ms/req  errors ${figure.errors}  load ${load}`,
    );
  const [a, b] = figures as [(typeof figures)[0], (typeof figures)[0]];
  console.log(
    `${`${label}: ${b.name} / ${a.name}`.padEnd(48)} req/s ${(b.rps / a.rps).toFixed(2)}, cpu per request ${(b.cpuPerRequest / a.cpuPerRequest).toFixed(2)}`,
  );
  return figures;
}

/** The statements replayed in order, `connections` clients each in a loop, for `seconds`. */
async function loadSql(label: string, databaseUrl: string, statements: Statement[], connections: number) {
  const load = loadText();
  const connect = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    // Another process on the machine may end our connections (a test restarting the server): counted, reconnected.
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  // Once first: a statement that fails here would make the row meaningless.
  const check = await connect();
  for (const statement of statements) await check.query(statement.text, statement.values);
  await check.end();
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      let client = await connect();
      while (performance.now() < until) {
        const started = performance.now();
        try {
          for (const statement of statements) await client.query(statement.text, statement.values);
          latencies.push(performance.now() - started);
        } catch {
          errors++;
          await client.end().catch(() => {});
          client = await connect();
        }
      }
      await client.end();
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { label, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors, load };
}

function print(row: Figures, baselines: [string, Figures | undefined][] = []) {
  const ratios = baselines
    .filter((entry): entry is [string, Figures] => entry[1] !== undefined)
    .map(([name, baseline]) => `${(row.rps / baseline.rps).toFixed(2)} of ${name}`)
    .join(', ');
  console.log(
    `${row.label.padEnd(40)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50.toFixed(1).padStart(6)} ms  p99 ${row.p99
      .toFixed(1)
      .padStart(
        6,
      )} ms  ${row.cpuPerRequest !== undefined ? `cpu ${row.cpuPerRequest.toFixed(2)} ms/req  ` : ''}errors ${row.errors}  load ${row.load}${ratios ? `  | ${ratios}` : ''}`,
  );
}

async function main(): Promise<void> {
  const only = process.env.ROWS?.split(',');
  const wanted = (row: string) => !only || only.includes(row);
  const gateway = child('gateway');
  const base = process.env.BASE ? child('gateway', process.env.BASE) : null;
  const started = performance.now();
  const ready = await nextMessage<GatewayReady>(gateway, 'ready');
  const baseReady = base ? await nextMessage<GatewayReady>(base, 'ready') : null;
  console.log(
    `gateway ready with ${ready.objects} objects in ${((performance.now() - started) / 1000).toFixed(1)} s; ${seconds} s per row`,
  );
  const { url, token, fabricId, resourceId } = ready;

  // The first page, and the cursor of the last full page (walking the pages once).
  const first = (await post(url, token, PAGE_QUERY, { f: fabricId })).resources;
  const cursors: string[] = [];
  let page = first;
  while (page.pageInfo.hasNextPage) {
    cursors.push(page.pageInfo.endCursor);
    page = (await post(url, token, PAGE_QUERY, { f: fabricId, after: page.pageInfo.endCursor })).resources;
  }
  const lastFullCursor = cursors[cursors.length - 2]!;
  const lastFull = (await post(url, token, PAGE_QUERY, { f: fabricId, after: lastFullCursor })).resources;
  console.log(
    `pages: ${cursors.length + 1}, total ${first.totalCount}; the last full page starts at row ${(cursors.length - 1) * 100} and has ${lastFull.edges.length} rows`,
  );

  // The statements of one request of each kind, to replay them with pg.
  const capture = async (id: string, query: string, variables: object) => {
    await post(url, token, query, variables, id);
    gateway.send({ statementsOf: id });
    return nextMessage<Statement[]>(gateway, 'statements');
  };
  const pageSql = await capture('capture-page', PAGE_QUERY, { f: fabricId });
  const lastSql = await capture('capture-last', PAGE_QUERY, { f: fabricId, after: lastFullCursor });
  const oneSql = await capture('capture-one', ONE_QUERY, { id: resourceId });
  console.log(`statements: page ${pageSql.length}, last page ${lastSql.length}, resource(id) ${oneSql.length}`);
  if (process.env.SHOW_SQL) {
    // Each statement with its plan (EXPLAIN ANALYZE: how many rows it reads and whether it sorts).
    const client = new pg.Client({ connectionString: ready.databaseUrl });
    await client.connect();
    for (const [name, statements] of [
      ['first page', pageSql],
      ['last full page', lastSql],
      ['resource(id)', oneSql],
    ] as const) {
      console.log(`${name}:`);
      for (const statement of statements) {
        console.log(`  ${statement.text} ${JSON.stringify(statement.values).slice(0, 200)}`);
        const plan = await client.query(`explain (analyze, costs off) ${statement.text}`, statement.values);
        for (const line of plan.rows) console.log(`      ${line['QUERY PLAN']}`);
      }
    }
    await client.end();
  }

  const bare = child('bare');
  bare.send(first);
  const bareUrl = await nextMessage<string>(bare, 'url');

  const rows: Record<string, Figures> = {};
  if (base && baseReady) {
    try {
      const trivial = await loadHttp(bare, 'bare yoga, { __typename } (10)', bareUrl, null, TRIVIAL_QUERY, {}, 10);
      print(trivial);
      const pair = (variables: (ready: GatewayReady) => object): [Side, Side] => [
        { name: 'base', server: base, url: baseReady.url, token: baseReady.token, variables: variables(baseReady) },
        { name: 'this', server: gateway, url, token, variables: variables(ready) },
      ];
      if (wanted('page10'))
        await loadAlternating(
          'page of 100 (10)',
          pair((r) => ({ f: r.fabricId })),
          PAGE_QUERY,
          10,
        );
      if (wanted('one'))
        await loadAlternating(
          'resource(id) (10)',
          pair((r) => ({ id: r.resourceId })),
          ONE_QUERY,
          10,
        );
      if (wanted('gatewayTrivial'))
        await loadAlternating(
          '{ __typename } (10)',
          pair(() => ({})),
          TRIVIAL_QUERY,
          10,
        );
    } finally {
      for (const server of [gateway, base, bare]) server.send({ stop: true });
      await Promise.all([gateway, base, bare].map((server) => new Promise((resolve) => server.once('exit', resolve))));
    }
    return;
  }
  if (process.env.PROFILE) {
    gateway.send({ profile: 'start' });
    await nextMessage(gateway, 'profiling');
  }
  try {
    if (wanted('page10')) {
      const sql = await loadSql('SQL of the page (pg, 10 clients)', ready.databaseUrl, pageSql, 10);
      const yoga = await loadHttp(bare, 'bare yoga, static page (10)', bareUrl, null, PAGE_QUERY, { f: fabricId }, 10);
      const trivial = await loadHttp(bare, 'bare yoga, { __typename } (10)', bareUrl, null, TRIVIAL_QUERY, {}, 10);
      const gw = await loadHttp(
        gateway,
        'gateway, page of 100 (10 clients)',
        url,
        token,
        PAGE_QUERY,
        { f: fabricId },
        10,
      );
      for (const row of [sql, yoga, trivial]) print(row);
      print(gw, [
        ['SQL', sql],
        ['bare yoga', yoga],
        ['trivial yoga', trivial],
      ]);
      Object.assign(rows, { sql, yoga, trivial, gw });
    }
    if (wanted('page50')) {
      const sql = await loadSql('SQL of the page (pg, 50 clients)', ready.databaseUrl, pageSql, 50);
      const yoga = await loadHttp(bare, 'bare yoga, static page (50)', bareUrl, null, PAGE_QUERY, { f: fabricId }, 50);
      const gw = await loadHttp(
        gateway,
        'gateway, page of 100 (50 clients)',
        url,
        token,
        PAGE_QUERY,
        { f: fabricId },
        50,
      );
      print(sql);
      print(yoga);
      print(gw, [
        ['SQL', sql],
        ['bare yoga', yoga],
      ]);
    }
    if (wanted('last')) {
      const variables = { f: fabricId, after: lastFullCursor };
      const sql = await loadSql('SQL of the last full page (pg, 10)', ready.databaseUrl, lastSql, 10);
      const gw = await loadHttp(gateway, 'gateway, last full page (10 clients)', url, token, PAGE_QUERY, variables, 10);
      print(sql);
      print(gw, [
        ['SQL', sql],
        ['first page', rows.gw],
      ]);
    }
    if (wanted('one')) {
      const sql = await loadSql('SQL of resource(id) (pg, 10)', ready.databaseUrl, oneSql, 10);
      const yoga = await loadHttp(
        bare,
        'bare yoga, static resource (10)',
        bareUrl,
        null,
        ONE_QUERY,
        { id: resourceId },
        10,
      );
      const gw = await loadHttp(
        gateway,
        'gateway, resource(id) (10 clients)',
        url,
        token,
        ONE_QUERY,
        { id: resourceId },
        10,
      );
      print(sql);
      print(yoga);
      print(gw, [
        ['SQL', sql],
        ['bare yoga', yoga],
      ]);
    }
    if (wanted('gatewayTrivial')) {
      const gw = await loadHttp(gateway, 'gateway, { __typename } (10 clients)', url, token, TRIVIAL_QUERY, {}, 10);
      print(gw, [['trivial yoga', rows.trivial]]);
    }
    if (process.env.PROFILE) {
      gateway.send({ profile: join(process.env.PROFILE, 'read-path.cpuprofile') });
      console.log(`profile: ${await nextMessage<string>(gateway, 'profiled')}`);
    }
  } finally {
    gateway.send({ stop: true });
    bare.send({ stop: true });
    await Promise.all([
      new Promise((resolve) => gateway.once('exit', resolve)),
      new Promise((resolve) => bare.once('exit', resolve)),
    ]);
  }
}

if (role === 'gateway') await serveGateway();
else if (role === 'bare') await serveBareYoga();
else await main();
