import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-support.js';

describe('mamori proxy: configuration errors are one line and exit 2', () => {
  it('bad upstream URL', async () => {
    const r = await runCli('proxy', '--listen', '127.0.0.1:0', '--upstream', 'not a url');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--upstream is not a URL');
  });

  it('non-HTTP upstream', async () => {
    const r = await runCli('proxy', '--listen', '127.0.0.1:0', '--upstream', 'ftp://127.0.0.1/');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be http:// or https://');
  });

  it('port in use', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli('proxy', '--listen', `127.0.0.1:${port}`, '--upstream', 'http://127.0.0.1:9');
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`mamori: cannot listen on 127.0.0.1:${port}: port in use`);
    } finally {
      busy.close();
    }
  });

  it('unreadable spec', async () => {
    const r = await runCli(
      'proxy',
      '--listen',
      '127.0.0.1:0',
      '--upstream',
      'http://127.0.0.1:9',
      '--spec',
      '/nonexistent/api.yaml',
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/api.yaml');
  });

  it('bad listen address', async () => {
    const r = await runCli('proxy', '--listen', 'localhost', '--upstream', 'http://127.0.0.1:9');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--listen must be host:port');
  });
});
