// HTTP(S) GETs for the fetcher with Node alone: redirects, retries, resuming a download with a
// Range request, and proxies from the environment (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as curl
// and pip read them). Node 20's https has no proxy agent: an https URL goes through the proxy in a
// CONNECT tunnel (`http.request({ method: 'CONNECT' })`, then TLS over the tunnel's socket); an
// http URL is asked of the proxy in absolute form.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';

// Five tries with 0.5, 1, 2, 4 s between them ride out a dropped connection or a busy mirror
// without hanging an install for minutes on a host that is really down.
const MAX_ATTEMPTS = 5;
const FIRST_RETRY_DELAY_MS = 500;
// A connection that delivers nothing for this long is treated as dropped (and retried).
const IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

/** An HTTP answer that is not a success; `retryable` for 5xx, 408 and 429. */
export class HttpError extends Error {
  /** The status code. */
  readonly status: number;
  constructor(url: string, status: number) {
    super(`GET ${redact(url)} answered ${status}`);
    this.status = status;
  }
  /** Worth another try (server-side or rate-limit answers). */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** The URL without its password, for messages. */
export function redact(url: string | URL): string {
  const u = new URL(url.toString());
  if (u.password) u.password = '***';
  return u.toString();
}

function basicAuth(u: URL): string | undefined {
  if (!u.username) return undefined;
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

function envOf(...names: string[]): string | undefined {
  for (const n of names) {
    const v = process.env[n];
    if (v) return v;
  }
  return undefined;
}

/** The proxy for `url` from the environment, or undefined for a direct connection. */
export function proxyFor(url: URL): URL | undefined {
  const noProxy = envOf('NO_PROXY', 'no_proxy');
  if (noProxy) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    for (const raw of noProxy.split(/[\s,]+/)) {
      if (!raw) continue;
      if (raw === '*') return undefined;
      const [name, entryPort] = raw
        .toLowerCase()
        .replace(/^\*?\./, '')
        .split(':');
      if (entryPort && entryPort !== port) continue;
      if (host === name || host.endsWith(`.${name}`)) return undefined;
    }
  }
  const proxy = url.protocol === 'https:' ? envOf('HTTPS_PROXY', 'https_proxy') : envOf('HTTP_PROXY', 'http_proxy');
  if (!proxy) return undefined;
  try {
    return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  } catch {
    throw new Error(`the proxy setting ${proxy} is not a URL`);
  }
}

/** A TLS socket to `url`'s host through the proxy's CONNECT tunnel. */
function tunnel(proxy: URL, url: URL): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const target = `${url.hostname}:${url.port || 443}`;
    const headers: http.OutgoingHttpHeaders = { host: target };
    const auth = basicAuth(proxy);
    if (auth) headers['proxy-authorization'] = auth;
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
    });
    req.once('connect', (res, socket: net.Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`the proxy ${redact(proxy)} refused CONNECT ${target}: ${res.statusCode}`));
        return;
      }
      resolve(tls.connect({ socket, servername: url.hostname.replace(/^\[|\]$/g, '') }));
    });
    req.once('error', (e) => reject(new Error(`cannot reach the proxy ${redact(proxy)}: ${e.message}`)));
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error('the proxy did not answer CONNECT')));
    req.end();
  });
}

/** One GET (no redirects followed), through the proxy when the environment names one. */
async function requestOnce(url: URL, headers: Record<string, string>): Promise<http.IncomingMessage> {
  const all: http.OutgoingHttpHeaders = { 'user-agent': 'tfdata-node', ...headers };
  const auth = basicAuth(url);
  if (auth) all.authorization = auth;
  const proxy = proxyFor(url);
  let req: http.ClientRequest;
  if (proxy && url.protocol === 'https:') {
    const socket = await tunnel(proxy, url);
    // No agent: the request runs on the tunnelled TLS socket given here.
    req = http.request({
      host: url.hostname,
      path: url.pathname + url.search,
      headers: { ...all, host: url.host },
      createConnection: () => socket,
    });
  } else if (proxy) {
    const proxyAuth = basicAuth(proxy);
    if (proxyAuth) all['proxy-authorization'] = proxyAuth;
    req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      path: url.href,
      headers: { ...all, host: url.host },
    });
  } else {
    req = (url.protocol === 'https:' ? https : http).request(url, { headers: all });
  }
  return new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer from ${url.host} in ${IDLE_TIMEOUT_MS} ms`)),
    );
    req.end();
  });
}

/** A GET that follows redirects; a non-2xx answer (other than 416, left to the caller) is an HttpError. */
async function get(url: URL, headers: Record<string, string>): Promise<{ res: http.IncomingMessage; url: URL }> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`${redact(url)}: only http and https URLs can be fetched`);
  for (let i = 0; ; i++) {
    const res = await requestOnce(url, headers);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (i >= MAX_REDIRECTS) throw new Error(`${redact(url)}: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(res.headers.location, url);
      continue;
    }
    if ((status < 200 || status >= 300) && status !== 416) {
      res.resume();
      throw new HttpError(url.toString(), status);
    }
    return { res, url };
  }
}

function retryable(e: unknown): boolean {
  if (e instanceof HttpError) return e.retryable;
  // TLS certificate problems and bad settings will not fix themselves.
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return !/CERT|SELF_SIGNED|ERR_TLS|ERR_INVALID/.test(code);
}

/** Runs `attempt` up to MAX_ATTEMPTS times with a doubling pause, logging each retry. */
async function withRetries<T>(what: string, log: (s: string) => void, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (n >= MAX_ATTEMPTS || !retryable(e)) throw e;
      const delay = FIRST_RETRY_DELAY_MS * 2 ** (n - 1);
      log(`${what}: ${(e as Error).message}; retrying in ${delay / 1000} s (${n}/${MAX_ATTEMPTS - 1})`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

/** A text GET (an index page): its body, content type and final URL (after redirects). */
export async function getText(
  url: string,
  accept: string,
  log: (s: string) => void,
): Promise<{ body: string; contentType: string; url: string }> {
  return withRetries(`GET ${redact(url)}`, log, async () => {
    const { res, url: final } = await get(new URL(url), { accept });
    return { body: await readBody(res), contentType: String(res.headers['content-type'] ?? ''), url: final.toString() };
  });
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** The size the index announced, if any (a longer partial file is discarded). */
  size?: number;
  /** Called with bytes present and the total (0 when unknown) as data arrives. */
  progress?: (done: number, total: number) => void;
  /** Retry notices. */
  log: (s: string) => void;
}

/**
 * Downloads `url` to `dest` through `dest.partial`: a try that breaks off leaves the partial file,
 * and the next try (or the next run) asks for the rest with `Range: bytes=N-`. A server that
 * ignores the range (200) restarts the file. `dest` appears only once complete.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions): Promise<void> {
  const partial = `${dest}.partial`;
  await withRetries(`downloading ${redact(url)}`, options.log, async () => {
    let have = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
    if (options.size !== undefined && have > options.size) {
      fs.truncateSync(partial, 0);
      have = 0;
    }
    if (options.size !== undefined && have === options.size && have > 0) return;
    const { res } = await get(new URL(url), have > 0 ? { range: `bytes=${have}-` } : {});
    if (res.statusCode === 416) {
      // The partial file cannot be continued: start over on the next try.
      res.resume();
      fs.truncateSync(partial, 0);
      throw new HttpError(url, 503);
    }
    const resumed = res.statusCode === 206;
    if (resumed) {
      const start = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1];
      if (Number(start) !== have) {
        res.resume();
        fs.truncateSync(partial, 0);
        throw new HttpError(url, 503);
      }
    } else {
      have = 0;
    }
    const length = Number(res.headers['content-length'] ?? NaN);
    const total = Number.isFinite(length) ? have + length : (options.size ?? 0);
    let done = have;
    options.progress?.(done, total);
    const out = fs.createWriteStream(partial, { flags: resumed ? 'a' : 'w' });
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        res.destroy();
        out.destroy();
        reject(e);
      };
      res.on('data', (c: Buffer) => {
        done += c.length;
        options.progress?.(done, total);
        if (!out.write(c)) {
          res.pause();
          out.once('drain', () => res.resume());
        }
      });
      res.once('error', fail);
      res.once('aborted', () => fail(new Error('the connection was closed mid-download')));
      out.once('error', fail);
      res.once('end', () => {
        if (!res.complete) return fail(new Error('the connection was closed mid-download'));
        out.end(() => resolve());
      });
    });
    const got = fs.statSync(partial).size;
    if (Number.isFinite(length) && got !== total)
      throw new Error(`the connection was closed after ${got} of ${total} bytes`);
  });
  fs.renameSync(partial, dest);
}
