/**
 * Where things live in a fabric's GitOps directory. Resource rows store `managedFilePath`
 * relative to the fabric directory (`managed/switches/leaf-01.yaml`, as `managedFilePath()` of
 * the catalog returns it); Git speaks in paths relative to the repository root.
 */
export const MANAGED_PREFIX = 'managed/';
export const RAW_PREFIX = 'raw/';

/** `fabric` → `fabric/`, `` → `` (the repository root). */
export function directoryPrefix(directory: string): string {
  const trimmed = directory.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

export function toRepositoryPath(directory: string, relativePath: string): string {
  return `${directoryPrefix(directory)}${relativePath}`;
}

/** The path relative to the fabric directory, or null when the path lies outside it. */
export function toFabricPath(directory: string, repositoryPath: string): string | null {
  const prefix = directoryPrefix(directory);
  return repositoryPath.startsWith(prefix) ? repositoryPath.slice(prefix.length) : null;
}

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function isManagedYaml(fabricPath: string): boolean {
  return fabricPath.startsWith(MANAGED_PREFIX) && isYamlFile(fabricPath);
}
