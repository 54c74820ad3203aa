// The console's language (issue 24), in-process: Accept-Language picks it, the switch keeps the
// choice in a cookie (SameSite=Lax, under the console's public path, Secure behind https) and
// returns to the page it was used on, never to another site; the cookie wins over the header,
// and <html lang> and Content-Language follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';

describe('the console language', () => {
  let plain: Harness;
  let proxied: Harness;
  beforeAll(async () => {
    plain = await createHarness('sqlite');
    proxied = await createHarness('sqlite', {
      publicBasePath: '/quota',
      publicUrl: 'https://ops.example.com/quota',
    });
  });
  afterAll(async () => {
    await plain.destroy();
    await proxied.destroy();
  });

  const signIn = async (h: Harness) => {
    const answer = await h.app.request('/ui/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    expect(answer.status).toBe(303);
    return /qm_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')![1]!;
  };

  it('follows Accept-Language with no cookie, in <html lang> and Content-Language', async () => {
    const zh = await plain.app.request('/ui/sign-in', {
      headers: { 'accept-language': 'en;q=0.5,zh-Hans;q=0.9' },
    });
    const html = await zh.text();
    expect(html.startsWith('<!DOCTYPE html><html lang="zh-CN">')).toBe(true);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(html).toContain('<title>登录 · quota-manager</title>');
    expect(html).toContain('API 令牌（管理员或只读）');
    const english = await plain.app.request('/ui/sign-in', {
      headers: { 'accept-language': 'de-DE' },
    });
    expect(await english.text()).toContain('<html lang="en">');
  });

  it('offers the switch on every page, each language named in itself and linked back here', async () => {
    const html = await (await plain.app.request('/ui/sign-in?next=%2Fui%2Faudit')).text();
    const back = encodeURIComponent('/ui/sign-in?next=%2Fui%2Faudit');
    expect(html).toContain(
      `<li lang="zh-CN"><a href="/ui/language?lang=zh-CN&amp;next=${back}" hreflang="zh-CN">简体中文</a></li>`,
    );
    expect(html).toContain(`hreflang="en" aria-current="true">English</a>`);
  });

  it('keeps the choice in a Lax cookie under /ui and returns to the page', async () => {
    const answer = await plain.app.request(
      '/ui/language?lang=zh-CN&next=%2Fui%2Fstrategies%3Fx%3D1',
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/ui/strategies?x=1');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^qm_lang=zh-CN; /);
    expect(cookie).toContain('Path=/ui');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).not.toContain('Secure');
  });

  it('behind an https proxy: Secure, under the public base path', async () => {
    const answer = await proxied.app.request('/ui/language?lang=en&next=%2Fquota%2Fui%2Fusers');
    expect(answer.headers.get('location')).toBe('/quota/ui/users');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toContain('Path=/quota/ui');
    expect(cookie).toContain('Secure');
    const html = await (await proxied.app.request('/ui/sign-in')).text();
    expect(html).toContain('href="/quota/ui/language?lang=zh-CN&amp;next=%2Fquota%2Fui%2Fsign-in"');
  });

  it.each([
    'https://evil.example/ui',
    '//evil.example/ui',
    '/uix',
    '/api/v1/strategies',
    '',
    '/ui\\@evil.example',
    // Control characters cannot be in a Location header: home, never a 500.
    '/ui/\r\nSet-Cookie: qm_session=x',
    '/ui/\u0000',
  ])('never sends the operator off the console: next=%j goes home', async (next) => {
    const answer = await plain.app.request(
      `/ui/language?${new URLSearchParams({ lang: 'zh-CN', next }).toString()}`,
    );
    expect(answer.status).toBe(303);
    const location = answer.headers.get('location')!;
    expect(location === '/ui' || location.startsWith('/ui/') || location.startsWith('/ui?')).toBe(
      true,
    );
    expect(location).not.toContain('evil');
  });

  it.each(['fr', 'zh-TW', '', 'zh-CN; Path=/', 'zh-CN\u0000'])(
    'sets no cookie for a language it does not have (%j)',
    async (lang) => {
      const answer = await plain.app.request(
        `/ui/language?${new URLSearchParams({ lang, next: '/ui' }).toString()}`,
      );
      expect(answer.status).toBe(303);
      expect(answer.headers.get('set-cookie')).toBeNull();
    },
  );

  it('lets the cookie win over Accept-Language, and ignores a cookie it does not know', async () => {
    const session = await signIn(plain);
    const page = async (cookie: string, accept: string) => {
      const answer = await plain.app.request('/ui/strategies', {
        headers: { cookie, 'accept-language': accept },
      });
      return answer.text();
    };
    const chosen = await page(`qm_session=${session}; qm_lang=en`, 'zh-CN');
    expect(chosen).toContain('<html lang="en">');
    expect(chosen).toContain('<h1>Strategies</h1>');
    const zh = await page(`qm_session=${session}; qm_lang=zh-CN`, 'en');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('<h1>策略</h1>');
    expect(zh).toContain('退出登录');
    const unknown = await page(`qm_session=${session}; qm_lang=xx`, 'zh');
    expect(unknown).toContain('<html lang="zh-CN">');
  });

  it('after a post, the switch returns to the page the form was on', async () => {
    const session = await signIn(plain);
    const strategies = await plain.app.request('/ui/strategies', {
      headers: { cookie: `qm_session=${session}` },
    });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await strategies.text())![1]!;
    // A refused form post is answered with a page; its switch cannot return to a POST.
    const answer = await plain.app.request('/ui/unknown-grants/resolve', {
      method: 'POST',
      headers: {
        cookie: `qm_session=${session}; qm_lang=zh-CN`,
        'content-type': 'application/x-www-form-urlencoded',
        referer: 'http://localhost/ui/unknown-grants?x=1',
        origin: 'http://localhost',
      },
      body: new URLSearchParams({ _csrf: csrf, resolution: 'retry', grant: '1:1' }).toString(),
    });
    const html = await answer.text();
    expect(html).toContain('<h1>请确认</h1>');
    expect(html).toContain('将 1 笔发放处理为“重试”？');
    expect(html).toContain(`next=${encodeURIComponent('/ui/unknown-grants?x=1')}`);
  });
});
