import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { WATCHED_KINDS } from '../../src/cluster/fabric-watch.ts';
import { ENGINE_KINDS } from '../../src/cluster/gitops-engines.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The packaging files, checked without a Docker engine or a cluster: the Kubernetes manifests
 * against the Kubernetes object schemas (kubernetes-models: one class per apiVersion/kind whose
 * validate() checks types and required fields, as the API server's schema does) and against each
 * other; the Dockerfile's copies and start command; docker-compose.yml and its comment.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { version: string; scripts: Record<string, string> };

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

function manifests(): { file: string; object: KubeObject }[] {
  const kustomization = parseYaml(read('deploy/kustomization.yaml')) as { resources: string[] };
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(read(path.join('deploy', file))).map((document) => {
      expect(document.errors, file).toEqual([]);
      return { file, object: document.toJS() as KubeObject };
    }),
  );
}

describe('deploy/ (Kubernetes)', () => {
  const objects = manifests();
  const find = (kind: string) => objects.filter(({ object }) => object.kind === kind).map(({ object }) => object);
  const one = (kind: string) => {
    const found = find(kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };

  it('every object is valid against its Kubernetes schema', async () => {
    for (const { file, object } of objects) {
      // kubernetes-models/<group>/<version>/<Kind> (the core group is plain v1).
      const module = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<
        string,
        new (
          data: unknown,
        ) => { validate(): void }
      >;
      const Model = module[object.kind]!;
      expect(() => new Model(object).validate(), `${file}: ${object.kind} ${object.metadata?.name}`).not.toThrow();
    }
    expect(objects.map(({ object }) => object.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Namespace',
      'PodDisruptionBudget',
      'Secret',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('the schemas catch a broken object (the check above can fail)', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    const broken = structuredClone(one('Deployment'));
    delete broken.spec.selector;
    broken.spec.template.spec.containers[0].resources.requests.cpu = ['250m'];
    expect(() => new Deployment(broken).validate()).toThrow(/selector[\s\S]*cpu|cpu[\s\S]*selector/);
  });

  it('namespaced objects share the Namespace; names and labels refer to objects that exist', () => {
    const namespace = one('Namespace').metadata.name;
    for (const { object } of objects) {
      if (['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(object.kind))
        expect(object.metadata.namespace, object.kind).toBeUndefined();
      else expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(namespace);
    }
    const deployment = one('Deployment');
    const pod = deployment.spec.template;
    expect(deployment.spec.selector.matchLabels).toEqual(
      pick(pod.metadata.labels, Object.keys(deployment.spec.selector.matchLabels)),
    );
    expect(one('Service').spec.selector).toEqual(pick(pod.metadata.labels, Object.keys(one('Service').spec.selector)));
    expect(one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(
      pick(pod.metadata.labels, Object.keys(one('PodDisruptionBudget').spec.selector.matchLabels)),
    );
    expect(deployment.spec.replicas).toBeGreaterThan(1); // else the PodDisruptionBudget blocks every drain
    expect(pod.spec.serviceAccountName).toBe(one('ServiceAccount').metadata.name);

    const [container] = pod.spec.containers;
    const portNames = container.ports.map((port: { name: string }) => port.name);
    expect(portNames).toContain(one('Service').spec.ports[0].targetPort);
    // The Secret holds both settings, and the container reads them from it.
    const secret = find('Secret').find((s) => s.type === 'Opaque')!;
    for (const key of ['GATEWAY_SECRET_KEY', 'DATABASE_URL']) {
      expect(Object.keys(secret.stringData)).toContain(key);
      const variable = container.env.find((entry: { name: string }) => entry.name === key);
      expect(variable?.valueFrom?.secretKeyRef, key).toEqual({ name: secret.metadata.name, key });
    }
    // The token Secret is the ServiceAccount's.
    const token = find('Secret').find((s) => s.type === 'kubernetes.io/service-account-token')!;
    expect(token.metadata.annotations?.['kubernetes.io/service-account.name']).toBe(
      one('ServiceAccount').metadata.name,
    );
  });

  it('the container: probes on /healthz and /readyz, resource requests, not root, the image of this version', () => {
    const pod = one('Deployment').spec.template.spec;
    const [container] = pod.containers;
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.ports).toEqual([
      { name: 'http', containerPort: Number(container.env.find((e: { name: string }) => e.name === 'PORT').value) },
    ]);
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(container.image).toBe(`hedgehog-gitops-gateway:${packageJson.version}`);
    // A read-only root: the data directory is a volume.
    const dataDir = container.env.find((e: { name: string }) => e.name === 'DATA_DIR').value;
    expect(container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath)).toContain(dataDir);
  });

  it('RBAC: list and watch on exactly the kinds the cluster watch follows (GitOps engines too), nothing else', () => {
    const role = one('ClusterRole');
    const granted = new Map<string, string[]>();
    for (const rule of role.rules) {
      expect(rule.verbs.sort()).toEqual(['list', 'watch']);
      for (const group of rule.apiGroups) granted.set(group, [...(granted.get(group) ?? []), ...rule.resources].sort());
    }
    const watched = new Map<string, string[]>();
    for (const kind of [...WATCHED_KINDS, ...ENGINE_KINDS])
      watched.set(kind.group, [...(watched.get(kind.group) ?? []), kind.plural].sort());
    expect(Object.fromEntries(granted)).toEqual(Object.fromEntries(watched));

    const binding = one('ClusterRoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    const serviceAccount = one('ServiceAccount');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: serviceAccount.metadata.namespace },
    ]);
  });
});

function pick(labels: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, labels[key]!]));
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerfile(): { instruction: string; args: string }[] {
  return read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return { instruction: instruction!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const instructions = dockerfile();
  const stages = instructions.filter((entry) => entry.instruction === 'FROM');
  const finalStage = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));

  it('copies files that exist (and that .dockerignore leaves in), from stages that exist', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = stages.map((stage) => / AS (\S+)$/i.exec(stage.args)?.[1]).filter(Boolean);
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const copy of instructions.filter((entry) => entry.instruction === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((part) => part.startsWith('--from='));
      const sources = parts.filter((part) => !part.startsWith('--')).slice(0, -1);
      if (from) {
        expect(stageNames).toContain(from.slice('--from='.length));
        continue;
      }
      for (const source of sources) {
        expect(existsSync(path.join(ROOT, source)), `COPY ${source}`).toBe(true);
        expect(
          ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
          `${source} is in .dockerignore`,
        ).toBe(false);
      }
    }
  });

  it('the image: production dependencies only, git, a non-root user, a /readyz health check', () => {
    expect(instructions.some((entry) => entry.instruction === 'RUN' && /npm ci .*--omit=dev/.test(entry.args))).toBe(
      true,
    );
    expect(
      finalStage.some(
        (entry) => entry.instruction === 'COPY' && /node_modules/.test(entry.args) && /--from=/.test(entry.args),
      ),
    ).toBe(true);
    expect(
      finalStage.some((entry) => entry.instruction === 'RUN' && /apt-get install .*\bgit\b/.test(entry.args)),
    ).toBe(true);
    const user = finalStage.filter((entry) => entry.instruction === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(finalStage.find((entry) => entry.instruction === 'HEALTHCHECK')?.args).toContain('/readyz');
    // The container runs dist/ without scripts/run-built.mjs: Node's own variable turns the compile cache on.
    expect(
      finalStage.some((entry) => entry.instruction === 'ENV' && /\bNODE_COMPILE_CACHE=\/tmp\//.test(entry.args)),
    ).toBe(true);
  });

  it('runs the built server with the command the README documents', () => {
    const cmd = JSON.parse(finalStage.filter((entry) => entry.instruction === 'CMD').at(-1)!.args) as string[];
    // V8's young generation bounded (docs/performance.md, "Steady memory"), as by `npm start`.
    expect(cmd).toEqual(['node', '--max-semi-space-size=16', 'dist/src/main.js']);
    expect(read('README.md')).toContain('`node --max-semi-space-size=16 dist/src/main.js`');
    // What `npm run build` emits for src/main.ts, and what `npm start` runs.
    const build = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(
      path
        .join(build.compilerOptions.outDir, path.relative(build.compilerOptions.rootDir, 'src/main.ts'))
        .replace(/\.ts$/, '.js'),
    ).toBe(cmd[2]);
    expect(packageJson.scripts.start).toBe('node --max-semi-space-size=16 scripts/run-built.mjs src/main.ts');
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, any> };
  const gateway = compose.services.gateway;
  let production: TestApp;
  beforeAll(async () => {
    production = await startTestApp({ env: { NODE_ENV: 'production' } });
  }, 120_000);
  afterAll(async () => {
    await production?.stop();
  });

  it('builds the image from the Dockerfile and checks /readyz', () => {
    expect(gateway.build).toBe('.');
    expect(gateway.image).toBe(`hedgehog-gitops-gateway:${packageJson.version}`);
    expect(gateway.command).toBeUndefined(); // the image's own
    expect(gateway.volumes.some((volume: string) => volume.startsWith('./'))).toBe(false); // no sources mounted
    expect(gateway.healthcheck.test.join(' ')).toContain('/readyz');
    expect(gateway.depends_on.postgres.condition).toBe('service_healthy');
  });

  it('its comment is true: in production mode a browser gets 406 at /graphql', async () => {
    expect(gateway.environment.NODE_ENV).toBe('production');
    expect(read('docker-compose.yml')).toMatch(/answers 406/);
    const response = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(406);
  });

  const compose1 = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((file) => existsSync(file));
  it.skipIf(!compose1)(
    `docker-compose config -q accepts it (needs docker-compose; .ci/run installs it with apt-get)`,
    () => {
      execFileSync(compose1!, ['config', '-q'], {
        cwd: ROOT,
        env: { ...process.env, GATEWAY_SECRET_KEY: '0'.repeat(64) },
        stdio: 'pipe',
      });
    },
  );
});
