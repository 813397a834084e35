/**
 * Ingestion figures: a generated fabric of about 10,000 objects dropped into raw/ (as one file,
 * then as 100 files), ingested by the real GitopsService (Git reads, validation, planning, the
 * commit, resource rows in the embedded database), through the native git adapter (file://
 * bare remote) and through the GitHub test server. Prints wall time per stage, commits made and
 * GitHub requests made.
 *
 *   npx tsx bench/ingest.ts [objects=10000]
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { OperationProgress } from '../src/gitops/gitops.service.ts';
import { generateFabric, renderMultiDocument, splitIntoFiles } from '../src/hedgehog/generate-fabric.ts';
import type { HedgehogObject } from '../src/hedgehog/canonical.ts';
import { createLogger } from '../src/logger.ts';
import { ResourceSchema } from '../src/resource/resource.entity.ts';
import { createBareRepository, gitLog, pushFromAnotherClone, removeScratchDirs } from '../test/support/git-fixtures.ts';
import { startGitHubServer, type GitHubServer } from '../test/support/github-server/github-server.ts';

const target = Number(process.argv[2] ?? 10_000);

/** A valid fabric with at least `count` objects (VPC attachments fill the rest). */
function fabricOf(count: number): HedgehogObject[] {
  const objects = generateFabric({
    spines: 4,
    leaves: 64,
    serversPerLeafPair: 96,
    vpcs: 300 + Math.max(0, Math.ceil((count - 10_028) / 1.5)),
  });
  if (objects.length < count) throw new Error(`the generator made only ${objects.length} objects`);
  return objects;
}

interface Scenario {
  adapter: 'git' | 'github';
  files: { path: string; text: string }[];
  label: string;
}

async function run(scenario: Scenario, objectCount: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnp-bench-'));
  // Run as root, the embedded server runs as `postgres`, which must be able to enter DATA_DIR.
  await chmod(dataDir, 0o755);
  let github: GitHubServer | undefined;
  let remote: string;
  if (scenario.adapter === 'github') {
    github = await startGitHubServer();
    remote = github.repositoryDir;
  } else {
    remote = await createBareRepository();
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    GATEWAY_SECRET_KEY: randomBytes(32).toString('hex'),
    OPERATION_RUNNER: 'in-process',
    ...(github ? { GITHUB_API_URL: github.url } : {}),
  });
  const app = await buildApp(config, { logger: createLogger({ level: 'silent' }) });
  try {
    const services = app.services();
    const repository = await services.gitRepositories.create(
      github
        ? {
            name: 'bench',
            url: `https://github.com/${github.owner}/${github.name}`,
            provider: 'github',
            credentials: { token: github.token },
          }
        : { name: 'bench', url: `file://${remote}`, provider: 'git' },
    );
    const fabric = await services.fabrics.create({ name: 'bench', gitRepositoryId: repository.id });
    await pushFromAnotherClone(remote, { files: { 'README.md': '# bench\n' } });
    // A phase lasts from its report to the next one.
    const stages: [string, number][] = [];
    let current = 'start';
    let last = performance.now();
    const progress = (operationId: string): OperationProgress => ({
      operationId,
      actor: 'bench',
      report: async (change) => {
        if (change.phase && change.phase !== current) {
          const now = performance.now();
          stages.push([current, now - last]);
          current = change.phase;
          last = now;
        }
      },
    });
    await services.gitops.initializeDirectory(fabric.id, progress('00000000-0000-4000-8000-000000000001'));
    await pushFromAnotherClone(remote, {
      files: Object.fromEntries(scenario.files.map((file) => [`fabric/raw/${file.path}`, file.text])),
    });

    const commitsBefore = (await gitLog(remote, 'main')).length;
    const requestsBefore = github?.requestCount() ?? 0;
    const requestsByOperationBefore = new Map(github?.requests ?? []);
    stages.length = 0;
    const started = performance.now();
    last = started;
    current = 'start';
    const ingestServices = app.services();
    const result = await ingestServices.gitops.ingest(fabric.id, progress('00000000-0000-4000-8000-000000000002'));
    const elapsed = performance.now() - started;
    stages.push([current, performance.now() - last]);
    const commits = (await gitLog(remote, 'main')).length - commitsBefore;
    const rows = await ingestServices.em.count(ResourceSchema, { fabric: fabric.id });
    const requestText = github ? `, ${github.requestCount() - requestsBefore} GitHub requests` : '';
    console.log(
      `${scenario.adapter.padEnd(6)} ${scenario.label.padEnd(10)} ${objectCount} objects: ${(elapsed / 1000).toFixed(1)} s, ${commits} commit(s)${requestText}, ${rows} rows, ${result.filesCreated} files created, ${result.filesDeleted} raw files removed`,
    );
    console.log(
      `         stages: ${stages
        .filter(([, ms]) => ms >= 1)
        .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
        .join(', ')}`,
    );
    const requests = github ? github.requestCount() - requestsBefore : 0;
    const goals = [
      `one commit ${commits === 1 ? 'met' : 'MISSED'}`,
      `under 20 s ${elapsed < 20_000 ? 'met' : 'MISSED'}`,
    ];
    if (github) goals.push(`at most 10 requests ${requests <= 10 ? 'met' : 'MISSED'}`);
    console.log(`         goals: ${goals.join(', ')}`);
    if (github) {
      const byOperation = [...github.requests]
        .map(([operation, count]) => [operation, count - (requestsByOperationBefore.get(operation) ?? 0)] as const)
        .filter(([, count]) => count > 0);
      console.log(`         requests: ${byOperation.map(([operation, count]) => `${operation} ${count}`).join(', ')}`);
    }
  } finally {
    await app.stop();
    await github?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  const objects = fabricOf(target);
  const oneFile = [{ path: 'fabric.yaml', text: renderMultiDocument(objects) }];
  const hundredFiles = splitIntoFiles(objects, 100, { prefix: 'part' }).map((file) => ({
    path: file.path,
    text: file.text,
  }));
  console.log(`fabric: ${objects.length} objects, ${(oneFile[0]!.text.length / 1e6).toFixed(1)} MB of YAML`);
  for (const adapter of ['git', 'github'] as const) {
    await run({ adapter, files: oneFile, label: '1 file' }, objects.length);
    await run({ adapter, files: hundredFiles, label: '100 files' }, objects.length);
  }
} finally {
  await removeScratchDirs();
}
