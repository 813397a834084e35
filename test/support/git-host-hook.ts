/**
 * A test's way into the GitHosts a gateway opens. Start the app with `hook.openGitHost` (an
 * option of startTestApp and of the tAdapters), then set `hook.wrap` to wrap every host opened
 * from then on: to stage a race at the remote, hold a read, or record calls. While `wrap` is
 * undefined the hosts are the gateway's own, unwrapped.
 */
import type { GitHost, GitHostContext, OpenGitHost } from '../../src/git/git-host.ts';

export interface GitHostHook {
  wrap: ((host: GitHost, context: GitHostContext) => GitHost) | undefined;
  /** The opener to start the app with, given the gateway's own. */
  openGitHost(gateway: OpenGitHost): OpenGitHost;
}

export function gitHostHook(): GitHostHook {
  const hook: GitHostHook = {
    wrap: undefined,
    openGitHost: (gateway) => (target, context) => {
      const host = gateway(target, context);
      return hook.wrap ? hook.wrap(host, context) : host;
    },
  };
  return hook;
}
