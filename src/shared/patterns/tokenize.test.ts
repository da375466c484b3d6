import { describe, expect, it } from 'vitest';
import { createTokenMasker, maskMessage, maskVariables, tokenize } from './tokenize';

describe('tokenize', () => {
  it('splits on any run of whitespace and drops empty tokens', () => {
    expect(tokenize('  a\tb  c\r\nd\u3000e ')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   ')).toEqual([]);
  });

  it('keeps the words of a quoted request line apart, so GET and POST stay visible', () => {
    expect(tokenize('"GET /v2/servers HTTP/1.1" status: 200')).toEqual(['"GET', '/v2/servers', 'HTTP/1.1"', 'status:', '200']);
  });
});

describe('maskVariables', () => {
  it.each([
    ['10.251.73.220', '<*>'],
    ['10.251.73.220:50010', '<*>'],
    ['/10.10.34.11:45307', '/<*>'],
    ['(10.0.0.1:80),', '(<*>),'],
    ['fe80::1ff:fe23:4567:890a', '<*>'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '<*>'],
    ['::1', '<*>'],
    ['[2001:db8::1]:8080', '<*>'],
  ])('masks the address %s as %s', (token, masked) => {
    expect(maskVariables(token)).toBe(masked);
  });

  it.each([
    ['42', '<*>'],
    ['-17', '<*>'],
    ['3.14', '<*>'],
    ['1e-9', '<*>'],
    ['0x1F3e', '<*>'],
    ['0xdeadbeef', '<*>'],
    ['deadbeefcafe1234', '<*>'],
    ['deadbeefcafe', '<*>'],
    ['550e8400-e29b-41d4-a716-446655440000', '<*>'],
    ['aa:bb:cc:dd:ee:ff', '<*>'],
  ])('masks the number or id %s as %s', (token, masked) => {
    expect(maskVariables(token)).toBe(masked);
  });

  it('keeps the constant text around a variable', () => {
    expect(maskVariables('blk_-6952295868487656571')).toBe('blk_<*>');
    expect(maskVariables('blk_38865049064139660')).toBe('blk_<*>');
    expect(maskVariables('(uid=0)')).toBe('(uid=<*>)');
    expect(maskVariables('sessionid:0x14ede63a5a70000')).toBe('sessionid:<*>');
    expect(maskVariables('part-01866.')).toBe('part-<*>.');
    expect(maskVariables('HTTP/1.1')).toBe('HTTP/<*>');
    expect(maskVariables('worker-7')).toBe('worker-<*>');
  });

  it('masks paths whole, with or without numbers in them', () => {
    expect(maskVariables('/etc/httpd/conf/workers2.properties')).toBe('<*>');
    expect(maskVariables('/var/log/messages')).toBe('<*>');
    expect(maskVariables('./build/out')).toBe('<*>');
    expect(maskVariables('C:\\Windows\\System32\\cbs.log')).toBe('<*>');
    expect(maskVariables('chdir(/p/gb1/stella/RAPTOR/raptor)')).toBe('chdir(<*>)');
  });

  it('keeps a single-segment path, which is more often a constant', () => {
    expect(maskVariables('/proc')).toBe('/proc');
  });

  it('masks quoted values, keeping the quotes', () => {
    expect(maskVariables("'hlt'")).toBe("'<*>'");
    expect(maskVariables('"bob",')).toBe('"<*>",');
    expect(maskVariables('""')).toBe('"<*>"');
    expect(maskVariables('name:"x"')).toBe('name:"<*>"');
  });

  it('masks key=value values by what they look like, and empty values', () => {
    expect(maskVariables('uid=0')).toBe('uid=<*>');
    expect(maskVariables('rhost=218.188.2.4')).toBe('rhost=<*>');
    expect(maskVariables('rhost=mail.example.com')).toBe('rhost=<*>');
    expect(maskVariables('ruser=')).toBe('ruser=<*>');
    expect(maskVariables('path=/tmp/x/y')).toBe('path=<*>');
    // A plain word value may be what tells two events apart (state=LEADING).
    expect(maskVariables('user=root')).toBe('user=root');
  });

  it('masks e-mail addresses, URLs, host and package names', () => {
    expect(maskVariables('alice.kim@example.co.kr')).toBe('<*>');
    expect(maskVariables('https://example.com/a?b=1')).toBe('<*>');
    expect(maskVariables('www.example.com')).toBe('<*>');
    expect(maskVariables('zummit.com')).toBe('<*>');
    expect(maskVariables('proxy.cse.cuhk.edu.hk:5070')).toBe('<*>');
    expect(maskVariables('com.android.systemui')).toBe('<*>');
  });

  it('masks dates and times', () => {
    expect(maskVariables('2015-07-29')).toBe('<*>');
    expect(maskVariables('17:41:44,747')).toBe('<*>');
    expect(maskVariables('2005-06-03T15:42:50.675872Z')).toBe('<*>');
    expect(maskVariables('04/Dec/2005:04:47:44')).toBe('<*>/Dec/<*>');
  });

  it('keeps words, code names and file names that hold no variable', () => {
    for (const token of ['Receiving', 'NameSystem.addStoredBlock:', 'workerEnv.init()', 'java.io.IOException', 'mice.c', 'rpc.statd', "can't", 'std::map', '[preauth]', 'n.leader']) {
      expect(maskVariables(token)).toBe(token);
    }
  });

  it('keeps Korean words as words, and masks numbers written with Korean units', () => {
    expect(maskVariables('사용자가')).toBe('사용자가');
    expect(maskVariables('로그인했습니다.')).toBe('로그인했습니다.');
    expect(maskVariables('3개')).toBe('<*>');
    expect(maskVariables('(재시도=5)')).toBe('(재시도=<*>)');
  });

  it('masks the same through the caching masker', () => {
    const mask = createTokenMasker(2);
    for (const token of ['src:', 'blk_-1', 'src:', '[preauth]', 'x.y.', 'src:', '10.0.0.1']) {
      expect(mask(token)).toBe(maskVariables(token));
    }
  });
});

describe('maskMessage', () => {
  it('masks a date written with month and weekday names', () => {
    expect(maskMessage('connection from 84.102.20.2 () at Sun Jul 24 02:38:22 2005')).toEqual(['connection', 'from', '<*>', '(<*>)', 'at', '<*>']);
  });

  it('masks a bracketed date that starts with a weekday, whatever the day', () => {
    const sunday = maskMessage('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok');
    expect(sunday).toEqual(['[<*>', '<*>', '<*>]', '[notice]', 'workerEnv.init()', 'ok']);
    expect(maskMessage('[Mon Dec 05 03:21:00 2005] [notice] workerEnv.init() ok')).toEqual(sunday);
    // A bracketed word that is not next to a number stays a word.
    expect(maskMessage('[Sun] is a day')).toEqual(['[Sun]', 'is', 'a', 'day']);
  });

  it('gives lines of one event one shape when a list of ids varies in length', () => {
    const one = maskMessage('ask 10.0.0.1:50010 to delete blk_1 blk_-2');
    const three = maskMessage('ask 10.0.0.2:50010 to delete blk_3 blk_4 blk_5');
    expect(one).toEqual(['ask', '<*>', 'to', 'delete', 'blk_<*>']);
    expect(three).toEqual(one);
  });

  it('treats a size unit after a number as part of the size', () => {
    expect(maskMessage('free 3.8 KB of 2 GB')).toEqual(['free', '<*>', 'of', '<*>']);
    expect(maskMessage('(estimated size 3.8 KB, free 317.5 MB)')).toEqual(['(estimated', 'size', '<*>,', 'free', '<*>)']);
    expect(maskMessage('(estimated size 12 B, free 2 GB)')).toEqual(maskMessage('(estimated size 3.8 KB, free 317.5 MB)'));
  });

  it('keeps month names that are not part of a date', () => {
    expect(maskMessage('May the job start now')).toEqual(['May', 'the', 'job', 'start', 'now']);
  });
});
