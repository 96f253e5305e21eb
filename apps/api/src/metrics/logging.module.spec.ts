import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { logSafeUrl } from '../common/log-safe-url';
import { apiHttpLogOptions } from './logging.module';

describe('logSafeUrl', () => {
  it('hides the token of an approve-by-email link and of a calendar feed, and nothing else', () => {
    expect(logSafeUrl('/email-links/AbC123_-x')).toBe('/email-links/[redacted]');
    expect(logSafeUrl('/email-links/AbC123?choice=approve')).toBe('/email-links/[redacted]?choice=approve');
    expect(logSafeUrl('/calendar-feeds/tok3n/feed.ics')).toBe('/calendar-feeds/[redacted]/feed.ics');
    expect(logSafeUrl('/calendar-feeds')).toBe('/calendar-feeds');
    expect(logSafeUrl('http://napflow.example.org:3000/email-links/AbC123')).toBe(
      'http://napflow.example.org:3000/email-links/[redacted]',
    );
    expect(logSafeUrl('/cases/0b7f1c62-6a8e-5f0e-9b1a-2f1d3c4b5a69/steps')).toBe(
      '/cases/0b7f1c62-6a8e-5f0e-9b1a-2f1d3c4b5a69/steps',
    );
  });
});

describe('the API request log line', () => {
  // the API's pino-http options, a real HTTP server, and the lines it writes
  async function logOf(paths: string[]): Promise<string> {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pinoHttp(apiHttpLogOptions({ logLevel: 'info' }), sink);
    const server = http.createServer((req, res) => {
      log(req, res);
      res.statusCode = 200;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      for (const p of paths) {
        await new Promise<void>((resolve, reject) =>
          http
            .get(
              { host: '127.0.0.1', port, path: p, headers: { authorization: 'Bearer secret-bearer' } },
              (res) => res.resume().on('end', resolve),
            )
            .on('error', reject),
        );
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
    return lines.join('');
  }

  it('never holds an email-link or calendar-feed token, nor the authorization header', async () => {
    const text = await logOf(['/email-links/LINK-TOKEN-1', '/calendar-feeds/FEED-TOKEN-2/feed.ics']);
    expect(text).toContain('"url":"/email-links/[redacted]"');
    expect(text).toContain('"url":"/calendar-feeds/[redacted]/feed.ics"');
    expect(text).not.toMatch(/LINK-TOKEN-1|FEED-TOKEN-2|secret-bearer/);
  });
});
