import { describe, expect, it } from 'vitest';
import { isConnectionLoss, isWriteFailure, queueIdOf, smtpError } from './errors';

const where = { host: 'smtp.example.com', port: 587, user: 'reports', from: 'reports@example.com' };

describe('SMTP failures in the user’s words', () => {
  it('says who refused what, keeping the server’s reply', () => {
    expect(smtpError({ code: 'EAUTH', response: '535 5.7.8 Authentication failed', responseCode: 535 }, where).toWire()).toEqual({
      code: 'smtp_auth_failed',
      params: { host: 'smtp.example.com', user: 'reports', response: '535 5.7.8 Authentication failed' },
    });
    expect(smtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, where).code).toBe('smtp_connection_refused');
    expect(smtpError({ code: 'EDNS', originalCode: 'ENOTFOUND' }, where).code).toBe('smtp_host_not_found');
    expect(smtpError({ code: 'EENVELOPE', command: 'MAIL FROM', response: '553 sender not allowed', responseCode: 553 }, where).toWire()).toMatchObject({
      code: 'smtp_sender_refused',
      params: { from: 'reports@example.com' },
    });
    expect(smtpError({ code: 'EMESSAGE', response: '554 5.7.1 spam', responseCode: 554 }, where).code).toBe('smtp_message_refused');
    expect(smtpError({ code: 'EMESSAGE', response: '451 4.3.0 try later', responseCode: 451 }, where, 3).toWire()).toEqual({
      code: 'smtp_temporary_failure',
      params: { attempts: 3, response: '451 4.3.0 try later' },
    });
  });

  it('tells a lost connection from a reply, and a failed write from a close', () => {
    expect(isConnectionLoss({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' })).toBe(true);
    expect(isConnectionLoss({ code: 'EMESSAGE', responseCode: 451 })).toBe(false);
    expect(isWriteFailure({ code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'write ECONNRESET' })).toBe(true);
    expect(isWriteFailure({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' })).toBe(false);
  });
});

describe('the queue id of a server’s reply', () => {
  it('reads the forms common servers use', () => {
    expect(queueIdOf('250 2.0.0 Ok: queued as 4XyZ1234AB')).toBe('4XyZ1234AB');
    expect(queueIdOf('250 OK id=1rAbCd-000123-4E')).toBe('1rAbCd-000123-4E');
    expect(queueIdOf('250 2.0.0 x1ABCD42 Message accepted for delivery')).toBe('x1ABCD42');
    expect(queueIdOf('250 2.0.0 OK  1700000000 x1si123456abc.12 - gsmtp')).toBe('x1si123456abc.12');
    expect(queueIdOf('250 OK: message queued')).toBeNull();
    expect(queueIdOf(null)).toBeNull();
  });
});
