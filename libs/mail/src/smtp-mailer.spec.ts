import { classifySmtpError, SmtpSendError } from './smtp-mailer';

const err = (props: Record<string, unknown>) => Object.assign(new Error('smtp'), props);

describe('classifySmtpError', () => {
  it('treats 5xx replies to the envelope or the message as permanent', () => {
    expect(classifySmtpError(err({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' })).kind).toBe(
      'permanent',
    );
    expect(classifySmtpError(err({ code: 'EMESSAGE', responseCode: 554, command: 'DATA' })).kind).toBe(
      'permanent',
    );
  });

  it('treats 4xx replies, lost or refused connections, timeouts and TLS trouble as temporary', () => {
    for (const e of [
      err({ code: 'EENVELOPE', responseCode: 451 }),
      err({ code: 'ECONNECTION' }),
      err({ code: 'ESOCKET', message: 'connect ECONNREFUSED' }),
      err({ code: 'ETIMEDOUT' }),
      err({ code: 'ETLS' }),
      new Error('Reached maximum number of retries after connection was closed'),
    ]) {
      expect(classifySmtpError(e).kind).toBe('temporary');
    }
  });

  it('keeps a rejected login temporary: the mail waits for the administrator, it is not dropped', () => {
    expect(classifySmtpError(err({ code: 'EAUTH', responseCode: 535 }))).toMatchObject({
      kind: 'temporary',
      responseCode: 535,
    });
  });

  it('passes an already classified error through', () => {
    const e = new SmtpSendError('permanent', 'x', 550);
    expect(classifySmtpError(e)).toBe(e);
  });
});
