import { type Attack, type AttackContext, mutate } from '../attack';

/**
 * What a page on another port of the same host can send with the admin's session cookie: a form post
 * (multipart, urlencoded, text/plain) and a fetch() with credentials. Each must be refused (403 or 415),
 * and the session must still work from Brook's own origin.
 */
export const httpCrossOrigin: Attack = {
  name: 'http-cross-origin',
  description: "another port's page posting with the admin's session cookie: refused; Brook's own origin still works",
  async run(ctx: AttackContext) {
    const figures: Array<[string, string]> = [];
    const failures: string[] = [];
    const login = await mutate(ctx, 'auth.login', { username: 'admin', password: ctx.adminPassword });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    if (!cookie) return { figures, failures: [`login answered ${login.status} without a cookie`] };
    const foreign = `http://127.0.0.1:${ctx.port === 8999 ? 8998 : 8999}`;
    const cases: Array<[string, RequestInit]> = [
      ['multipart form, foreign Origin', { body: form(), headers: { cookie, origin: foreign, 'sec-fetch-site': 'same-site' } }],
      [
        'urlencoded form, foreign Origin',
        { body: 'a=1', headers: { cookie, origin: foreign, 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      ['JSON fetch, foreign Origin', { body: '{}', headers: { cookie, origin: foreign, 'content-type': 'application/json' } }],
      [
        'JSON fetch, no Origin, same-site',
        { body: '{}', headers: { cookie, 'sec-fetch-site': 'same-site', 'content-type': 'application/json' } },
      ],
      ['JSON, cookie, neither header', { body: '{}', headers: { cookie, 'content-type': 'application/json' } }],
    ];
    for (const [name, init] of cases) {
      const res = await fetch(`${ctx.url}/api/trpc/shop.reset`, { method: 'POST', ...init });
      figures.push([name, String(res.status)]);
      if (res.status !== 403 && res.status !== 415) failures.push(`${name}: answered ${res.status}`);
    }
    const own = await fetch(`${ctx.url}/api/trpc/auth.me`, { headers: { cookie } });
    const me = (await own.json()) as { result?: { data?: { principal?: { name?: string } } } };
    if (me.result?.data?.principal?.name !== 'admin') failures.push('the session did not survive the attempts');
    const logout = await fetch(`${ctx.url}/api/trpc/auth.logout`, { method: 'POST', headers: { cookie, origin: ctx.url } });
    figures.push(["logout from Brook's own origin, no content type", String(logout.status)]);
    if (logout.status !== 200) failures.push(`logout from the own origin answered ${logout.status}`);
    return { figures, failures };
  },
};

function form(): FormData {
  const f = new FormData();
  f.set('a', '1');
  return f;
}
