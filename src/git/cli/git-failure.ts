import type { GitHostErrorCode } from '../git-host.ts';

/** Maps git's (English, LANG=C) error text to a GitHostError code. */
export function classifyGitFailure(stderr: string): GitHostErrorCode {
  const text = stderr.toLowerCase();
  if (
    /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|returned error: 401|invalid username or password|host key verification failed/.test(
      text,
    )
  )
    return 'AUTH';
  if (/returned error: 403|permission to .* denied|access denied|protected branch|insufficient permission/.test(text))
    return 'FORBIDDEN';
  if (/does not appear to be a git repository|repository not found|returned error: 404|not found/.test(text))
    return 'NOT_FOUND';
  if (
    /could not resolve host|connection refused|connection reset|timed out|returned error: 5\d\d|early eof|rpc failed|the remote end hung up|unable to access|broken pipe|network is unreachable/.test(
      text,
    )
  )
    return 'TRANSIENT';
  return 'UNKNOWN';
}
