import { describe, expect, it } from 'vitest';
import { codeForStatus, excerpt, parseErrorBody, redact } from '../../src/rpc/error-body.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseErrorBody', () => {
  it('reads a Twirp error body: code, msg and meta', () => {
    const parsed = parseErrorBody(
      404,
      'application/json',
      bytes('{"code":"not_found","msg":"requested room does not exist","meta":{"argument":"room"}}'),
    );
    expect(parsed).toEqual({
      code: 'not_found',
      msg: 'requested room does not exist',
      meta: { argument: 'room' },
      twirp: true,
    });
  });

  it('ignores parameters of the content type and reads a body without meta', () => {
    const parsed = parseErrorBody(401, 'application/json; charset=utf-8', bytes('{"code":"unauthenticated","msg":"permissions denied"}'));
    expect(parsed.code).toBe('unauthenticated');
    expect(parsed.meta).toEqual({});
  });

  it('turns a plain-text 401 into unauthenticated, marked as not Twirp', () => {
    const parsed = parseErrorBody(
      401,
      'text/plain; charset=utf-8',
      bytes('invalid authorization token: token has invalid claims: token is expired\n'),
    );
    expect(parsed.code).toBe('unauthenticated');
    expect(parsed.msg).toBe('invalid authorization token: token has invalid claims: token is expired');
    expect(parsed.twirp).toBe(false);
    expect(parsed.meta).toMatchObject({ http_error_from_intermediary: 'true', status_code: '401' });
  });

  it('turns an HTML 502 page from a proxy into unavailable with a short text excerpt', () => {
    const html =
      '<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>' +
      '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    const parsed = parseErrorBody(502, 'text/html', bytes(html));
    expect(parsed.code).toBe('unavailable');
    expect(parsed.msg).toBe('502 Bad Gateway 502 Bad Gateway nginx');
    expect(parsed.msg).not.toContain('<');
  });

  it('caps the excerpt of a long body at 200 characters', () => {
    const parsed = parseErrorBody(503, 'text/html', bytes(`<p>${'overloaded '.repeat(500)}</p>`));
    expect(parsed.msg.length).toBeLessThanOrEqual(200);
    expect(parsed.msg.endsWith('…')).toBe(true);
  });

  it('treats JSON without a code as a body written by an intermediary', () => {
    const parsed = parseErrorBody(500, 'application/json', bytes('{"error":"boom"}'));
    expect(parsed.code).toBe('unknown');
    expect(parsed.twirp).toBe(false);
    expect(parsed.msg).toBe('{"error":"boom"}');
  });

  it('reads a Twirp body even when the content type is missing', () => {
    expect(parseErrorBody(400, undefined, bytes('{"code":"invalid_argument","msg":"bad"}')).code).toBe('invalid_argument');
  });

  it('stringifies non-string meta values instead of dropping them', () => {
    const parsed = parseErrorBody(500, 'application/json', bytes('{"code":"internal","msg":"x","meta":{"n":3}}'));
    expect(parsed.meta).toEqual({ n: '3' });
  });

  it('survives an empty body and bytes that are not UTF-8', () => {
    expect(parseErrorBody(503, undefined, new Uint8Array()).msg).toBe('');
    expect(parseErrorBody(500, undefined, new Uint8Array([0xff, 0xfe, 0x00])).code).toBe('unknown');
  });

  it('keeps the Location of a redirect in meta', () => {
    const parsed = parseErrorBody(307, 'text/plain', bytes(''), 'https://elsewhere.example.com/twirp');
    expect(parsed.code).toBe('internal');
    expect(parsed.meta['location']).toBe('https://elsewhere.example.com/twirp');
  });
});

describe('codeForStatus', () => {
  it.each([
    [400, 'internal'],
    [401, 'unauthenticated'],
    [403, 'permission_denied'],
    [404, 'bad_route'],
    [413, 'resource_exhausted'],
    [429, 'resource_exhausted'],
    [500, 'unknown'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
    [302, 'internal'],
  ])('maps HTTP %i to %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe('redact', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJrZXkifQ.c2lnbmF0dXJl';

  it('removes anything shaped like a JWT', () => {
    expect(redact(`token ${jwt} was refused`)).toBe('token [redacted token] was refused');
  });

  it('removes the credential after Bearer', () => {
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(excerpt(`<p>Bearer ${jwt}</p>`)).not.toContain(jwt);
  });
});
