// A throwaway TLS-terminating nginx in front of a daemon, as docs/configuration.md recommends:
// its own prefix directory, config and self-signed certificate (openssl), serving the daemon
// under a path prefix that it strips, over https on a free loopback port. Debian's nginx
// (/usr/sbin/nginx, installed by .ci/run); the test fails, never skips, without it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './pg-cluster.ts';

const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  /** https://127.0.0.1:<port> */
  origin: string;
  /** The self-signed certificate, for clients that verify it (node's https with `ca`). */
  certificate: string;
  stop(): Promise<void>;
}

/** A key and self-signed certificate for 127.0.0.1, valid one day. */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function config(dir: string, port: number, upstream: string, prefix: string): string {
  const { cert, key } = selfSignedCertificate(dir);
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log ${join(dir, 'access.log')};
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location ${prefix}/ {
      proxy_pass ${upstream}/;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`;
}

async function listening(port: number, deadline: number, output: () => string): Promise<void> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(socket.end() && true));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}:\n${output()}`);
}

/** nginx on a free port serving `upstream` (http://127.0.0.1:8099) under `prefix` (/quota). */
export async function startNginx(
  dir: string,
  upstream: string,
  prefix: string,
  port?: number,
): Promise<RunningNginx> {
  if (!existsSync(NGINX))
    throw new Error(
      `${NGINX} is missing: apt-get install -y nginx (.ci/run does this); this test never skips`,
    );
  mkdirSync(dir, { recursive: true });
  const listen = port ?? (await freePort());
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, listen, upstream, prefix));
  const child = spawn(NGINX, ['-p', dir, '-c', file, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await listening(listen, Date.now() + 10_000, () => {
    const log = existsSync(join(dir, 'error.log'))
      ? readFileSync(join(dir, 'error.log'), 'utf8')
      : '';
    return `${output}\n${log}`;
  });
  return {
    origin: `https://127.0.0.1:${listen}`,
    certificate: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
