/**
 * A reason the gateway cannot start that the person starting it can fix (a database that cannot
 * be reached, a port in use, a data directory another process holds). `src/main.ts` prints the
 * message as one line and exits with code 1: no stack trace, and nothing secret in the message.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** What `listen` failed with, said in terms of HOST and PORT. */
export function listenFailure(error: unknown, http: { host: string; port: number }): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `port ${http.port} on ${http.host}`;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(
        `Cannot listen on ${where} (PORT, HOST): another process already uses it. Stop that process or set PORT to a free port.`,
        { cause: error },
      );
    case 'EACCES':
      return new StartupError(
        `Cannot listen on ${where} (PORT, HOST): not permitted for this user. Use a port above 1023.`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(`Cannot listen on ${where} (PORT, HOST): HOST is not an address of this machine.`, {
        cause: error,
      });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
