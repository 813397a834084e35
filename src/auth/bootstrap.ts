import type { TokenService } from './token.service.ts';

/**
 * On first start (no token exists yet) creates an admin token and hands it to `show` once. It is
 * never logged: the default prints it to the terminal, outside the JSON log stream.
 */
export async function ensureFirstAdminToken(tokens: TokenService, show: (token: string) => void): Promise<boolean> {
  if ((await tokens.count()) > 0) return false;
  const { token } = await tokens.create({ name: 'admin', role: 'admin' }, 'first start');
  show(token);
  return true;
}

export function printFirstAdminToken(token: string): void {
  process.stderr.write(
    [
      '',
      '  First start: created the API token "admin" (role admin). It is shown only this once:',
      '',
      `      ${token}`,
      '',
      '  Send it as "Authorization: Bearer <token>". Create more with the createApiToken mutation',
      '  or `npm run token:create -- --name <name> --role viewer|operator|admin`.',
      '',
      '',
    ].join('\n'),
  );
}
