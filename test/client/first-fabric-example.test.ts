/**
 * The README's "Scripting" example, run as written: `node examples/first-fabric.ts` in a child
 * process against a real gateway, with a native git remote in a temporary folder. Then the remote
 * is read with the git CLI: the commit the script reported is there, with the files it drafted.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareRepository, gitLog, listFiles, readFileAt, removeScratchDirs } from '../support/git-fixtures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = 'examples/first-fabric.ts';

function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [SCRIPT],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

describe('examples/first-fabric.ts', () => {
  it("is what the README's Scripting section quotes: every line of its excerpt is in the script", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Scripting'), readme.indexOf('## Settings'));
    const excerpt = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(excerpt).toBeDefined();
    const script = readFileSync(path.join(ROOT, SCRIPT), 'utf8');
    for (const line of excerpt!.split('\n').filter((line) => line.trim() !== '')) {
      expect(script, line).toContain(line.trim());
    }
    expect(section).toContain(`node ${SCRIPT}`);
  });

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
    await removeScratchDirs();
  });

  it('runs as written: repository, fabric, directory, three drafts, review, one commit, progress lines', async () => {
    const remote = await createBareRepository();
    const run = await runScript({
      GATEWAY_URL: `${t.url}/graphql`,
      GATEWAY_TOKEN: t.adminToken,
      GIT_URL: `file://${remote}`,
      FABRIC_NAME: 'demo',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');

    expect(lines[0]).toMatch(/^fabric demo \(.+\) in file:\/\/.+ \(GIT\)$/);
    // A progress line per update of each operation, the final one included.
    expect(lines).toContainEqual(expect.stringMatching(/^DIRECTORY_INIT COMPLETED /));
    expect(lines).toContainEqual(expect.stringMatching(/^PUSH COMPLETED /));
    expect(lines).toEqual(
      expect.arrayContaining([
        'drafted VLANNamespace/default',
        'drafted IPv4Namespace/default',
        'drafted VPC/vpc-1',
        '3 pending changes:',
      ]),
    );
    // The review lists each object with its action (UPSERT as a draft says, CREATE as pendingChanges says).
    for (const object of ['VLANNamespace/default', 'IPv4Namespace/default', 'VPC/vpc-1']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  (UPSERT|CREATE) ${object}( |$)`)));
    }
    const committed = /^committed ([0-9a-f]{40}): (\d+) files created$/.exec(lines.at(-1) ?? '');
    expect(committed, run.stdout).not.toBeNull();

    // The remote has what the script said: its commit on top, with the three objects.
    const [head, init] = await gitLog(remote, 'main');
    expect(head?.oid).toBe(committed![1]);
    expect(head?.message).toMatch(/^First objects\n/);
    expect(head?.message).toContain('Gateway-Actor: test-admin');
    expect(init?.parents).toEqual([]);
    const files = await listFiles(remote, 'main');
    const managed = files.filter((file) => file.startsWith('fabric/managed/') && !file.endsWith('.gitkeep'));
    expect(managed).toHaveLength(3);
    expect(Number(committed![2])).toBe(3);
    const vpcFile = managed.find((file) => file.endsWith('/vpc-1.yaml'));
    expect(vpcFile).toBeDefined();
    expect((await readFileAt(remote, 'main', vpcFile!)).toString()).toContain('subnet: 10.10.1.0/24');
  });

  it('stops with a typed error and exit code 1 when the token is refused, changing nothing', async () => {
    const remote = await createBareRepository();
    const run = await runScript({
      GATEWAY_URL: `${t.url}/graphql`,
      GATEWAY_TOKEN: 'hgw_not-a-token',
      GIT_URL: `file://${remote}`,
      FABRIC_NAME: 'refused',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GatewayError/);
    expect(run.stdout).toBe('');
    const { fabrics } = await t.graphqlOk<{ fabrics: { name: string }[] }>('{ fabrics { name } }');
    expect(fabrics.map((fabric) => fabric.name)).not.toContain('refused');
    expect(await gitLog(remote, 'main')).toEqual([]);
  });
});
