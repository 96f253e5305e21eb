import fs from 'node:fs';
import http from 'node:http';
import { DevStackError } from './devstack-error';
import { type ReceivedMail, type SmtpSink, toIndexEntry } from './smtp-sink';

export interface MailboxServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A local page listing what the SMTP sink received, newest first. Routes: `/` (list),
 * `/messages/:id` (one message: text part, HTML part in a sandboxed iframe), `/messages/:id/html`,
 * `/messages/:id.eml`, `GET /api/messages` and `GET /api/messages/:id` (JSON).
 */
export async function startMailboxServer(
  sink: SmtpSink,
  options: { host?: string; port?: number } = {},
): Promise<MailboxServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    handle(sink, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`mailbox error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new DevStackError(
          'smtp',
          `the mailbox page could not listen on ${host}:${options.port ?? 0}: ${err.message}`,
          err.code === 'EADDRINUSE'
            ? 'choose another mailbox port, or free that one'
            : 'set SMTP_URL to use your own SMTP server',
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(sink: SmtpSink, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only');
  const url = new URL(req.url ?? '/', 'http://mailbox');
  const p = url.pathname;
  const newestFirst = (): ReceivedMail[] => sink.messages().reverse();

  if (p === '/api/messages') {
    return send(res, 200, 'application/json', JSON.stringify(newestFirst().map(toIndexEntry)));
  }
  let m = /^\/api\/messages\/([\w-]+)$/.exec(p);
  if (m) {
    const mail = await sink.read(m[1]);
    return mail ? send(res, 200, 'application/json', JSON.stringify(mail)) : notFound(res);
  }
  if (p === '/') return send(res, 200, 'text/html', listPage(newestFirst(), sink));
  m = /^\/messages\/([\w-]+)\.eml$/.exec(p);
  if (m) {
    const file = sink.rawPath(m[1]);
    if (!file) return notFound(res);
    res.writeHead(200, {
      'content-type': 'message/rfc822',
      'content-disposition': `attachment; filename="${m[1]}.eml"`,
    });
    fs.createReadStream(file).pipe(res);
    return;
  }
  m = /^\/messages\/([\w-]+)\/html$/.exec(p);
  if (m) {
    const mail = await sink.read(m[1]);
    if (!mail?.html) return notFound(res);
    // Shown inside <iframe sandbox>: no scripts, no same-origin, and the CSP says so again.
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "sandbox; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    res.end(mail.html);
    return;
  }
  m = /^\/messages\/([\w-]+)$/.exec(p);
  if (m) {
    const mail = await sink.read(m[1]);
    return mail ? send(res, 200, 'text/html', messagePage(mail)) : notFound(res);
  }
  return notFound(res);
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    ...(type === 'text/html'
      ? { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'" }
      : {}),
  });
  res.end(body);
}

function notFound(res: http.ServerResponse): void {
  send(res, 404, 'text/plain', 'not found');
}

function esc(value: string | undefined): string {
  return (value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}tr:hover{background:#f6f6f6}
a{color:#0645ad;text-decoration:none}pre{white-space:pre-wrap;background:#f8f8f8;padding:1rem}
iframe{width:100%;height:60vh;border:1px solid #ccc}.meta td{border:0;padding:.1rem .6rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function listPage(mails: ReceivedMail[], sink: SmtpSink): string {
  const rows = mails
    .map(
      (m) =>
        `<tr><td><a href="/messages/${esc(m.id)}">${esc(m.subject || '(no subject)')}</a></td>` +
        `<td>${esc(m.to.join(', '))}</td><td>${esc(m.from)}</td><td><time>${esc(m.date)}</time></td></tr>`,
    )
    .join('');
  return layout(
    'napflow mailbox',
    `<h1>napflow mailbox</h1><p>${mails.length} message(s) received by the SMTP sink at <code>${esc(sink.url)}</code>, ` +
      `kept in <code>${esc(sink.dir)}</code>. Reload for new mail.</p>` +
      `<table><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Date</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

function messagePage(mail: ReceivedMail): string {
  const html = mail.html
    ? `<h2>HTML</h2><iframe sandbox src="/messages/${esc(mail.id)}/html" title="HTML part"></iframe>`
    : '';
  return layout(
    mail.subject || '(no subject)',
    `<p><a href="/">&larr; all messages</a> · <a href="/messages/${esc(mail.id)}.eml">raw .eml</a></p>` +
      `<h1>${esc(mail.subject || '(no subject)')}</h1><table class="meta">` +
      `<tr><td>From</td><td>${esc(mail.from)}</td></tr><tr><td>To</td><td>${esc(mail.to.join(', '))}</td></tr>` +
      `<tr><td>Date</td><td>${esc(mail.date)}</td></tr><tr><td>Message-ID</td><td>${esc(mail.messageId)}</td></tr></table>` +
      `<h2>Text</h2><pre>${esc(mail.text ?? '(no text part)')}</pre>${html}`,
  );
}
