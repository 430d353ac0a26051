// Which Python package index the fetcher asks, and how it reads a project's page there. The
// index is a "simple" repository (PEP 503 HTML, or PEP 691 JSON when the server offers it), the
// API pip itself uses and every mirror (devpi, Artifactory, Nexus, a static folder) serves; the
// file's sha256 comes with its link (PEP 503 `#sha256=` fragment, PEP 691 `hashes`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { getText, redact } from './http';

/** PyPI's simple index: the default when no setting names another. */
export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';

/** The index to use and the setting that chose it. */
export interface IndexChoice {
  /** The simple index's base URL (ends with '/'). */
  url: string;
  /** TFDATA_INDEX_URL, PIP_INDEX_URL, a pip.conf file, or 'default'. */
  from: string;
}

/** pip's configuration files, lowest priority first (pip's own order for a user, then PIP_CONFIG_FILE). */
function pipConfigFiles(): string[] {
  const home = os.homedir();
  const xdgConfig = process.env.XDG_CONFIG_HOME || path.join(home, '.config');
  const xdgDirs = (process.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const files = [
    ...xdgDirs.map((d) => path.join(d, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    path.join(home, '.pip', 'pip.conf'),
    path.join(xdgConfig, 'pip', 'pip.conf'),
  ];
  if (process.env.PIP_CONFIG_FILE) files.push(process.env.PIP_CONFIG_FILE);
  return files;
}

/** `index-url` from one pip.conf: the [download] section wins over [global], as for `pip download`. */
export function indexUrlInPipConf(text: string): string | undefined {
  let section = '';
  const found: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim().toLowerCase();
      continue;
    }
    const kv = /^([\w-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && kv[1].toLowerCase().replace(/_/g, '-') === 'index-url') found[section] = kv[2].trim();
  }
  return found.download ?? found.global;
}

/** The index: TFDATA_INDEX_URL, else PIP_INDEX_URL, else pip.conf's `index-url`, else PyPI. */
export function chooseIndex(): IndexChoice {
  const slash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
  for (const name of ['TFDATA_INDEX_URL', 'PIP_INDEX_URL']) {
    const v = process.env[name];
    if (v) return { url: slash(v), from: name };
  }
  let chosen: IndexChoice | undefined;
  for (const file of pipConfigFiles()) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const url = indexUrlInPipConf(text);
    // A later file overrides an earlier one, as in pip.
    if (url) chosen = { url: slash(url), from: file };
  }
  return chosen ?? { url: DEFAULT_INDEX_URL, from: 'default' };
}

/** One downloadable file of a project, as the index lists it. */
export interface IndexFile {
  /** The file name (a wheel name carries its version and platform tags). */
  filename: string;
  /** Absolute download URL. */
  url: string;
  /** The sha256 the index gives, lower case, if it gives one. */
  sha256?: string;
  /** Size in bytes, if the index gives it (PEP 691 does). */
  size?: number;
}

/** PEP 503 normalized project name: runs of `-_.` become one '-', lower case. */
export function normalizeProject(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

// PEP 691: asking for JSON first and HTML second lets the server answer in either.
const ACCEPT = 'application/vnd.pypi.simple.v1+json, text/html;q=0.1';

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'");
}

/** The files of a project page (either format), URLs made absolute against `base`. */
export function parseProjectPage(body: string, contentType: string, base: string): IndexFile[] {
  if (/json/.test(contentType)) {
    const page = JSON.parse(body) as {
      files?: { filename: string; url: string; hashes?: Record<string, string>; size?: number }[];
    };
    if (!Array.isArray(page.files)) throw new Error('the index page is JSON without a files list');
    return page.files.map((f) => ({
      filename: f.filename,
      url: new URL(f.url, base).toString(),
      sha256: f.hashes?.sha256?.toLowerCase(),
      size: typeof f.size === 'number' ? f.size : undefined,
    }));
  }
  const files: IndexFile[] = [];
  for (const m of body.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi)) {
    const href = decodeEntities(m[1] ?? m[2]);
    const link = new URL(href, base);
    const hash = /(?:^|&)sha256=([0-9a-fA-F]{64})/.exec(link.hash.slice(1))?.[1];
    link.hash = '';
    const filename = decodeURIComponent(link.pathname.split('/').pop() ?? '') || decodeEntities(m[3].trim());
    files.push({ filename, url: link.toString(), sha256: hash?.toLowerCase() });
  }
  return files;
}

/** The files of `project` on the index. */
export async function projectFiles(
  index: IndexChoice,
  project: string,
  log: (s: string) => void,
): Promise<IndexFile[]> {
  const pageUrl = new URL(`${normalizeProject(project)}/`, index.url).toString();
  let page;
  try {
    page = await getText(pageUrl, ACCEPT, log);
  } catch (e) {
    throw new Error(`cannot read ${redact(pageUrl)} (index from ${index.from}): ${(e as Error).message}`, { cause: e });
  }
  return parseProjectPage(page.body, page.contentType, page.url);
}
