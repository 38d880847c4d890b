/**
 * A local stand-in for the part of GitHub that `nixharden pin` uses, served on
 * 127.0.0.1 from a REAL git repository: the commit list (with each commit's
 * signed payload and signature cut from the real raw object), single commits,
 * and the archive endpoint (`git archive` of the real tree). Switches make
 * it fail the ways GitHub does: 500s, truncated bodies, rate limits.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export function splitRawCommit(raw: string): { payload: string; signature: string | null } {
  const end = raw.indexOf('\n\n');
  const head = raw.slice(0, end + 1).split('\n');
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  for (const line of head) {
    if (line.startsWith('gpgsig ')) {
      inSig = true;
      sig.push(line.slice(7));
    } else if (inSig && line.startsWith(' ')) sig.push(line.slice(1));
    else {
      inSig = false;
      kept.push(line);
    }
  }
  return { payload: kept.join('\n') + raw.slice(end + 1), signature: sig.length ? `${sig.join('\n')}\n` : null };
}

/** A raw tag object split as GitHub's API returns it: the payload, and the signature block git appended to the message. */
export function splitRawTag(raw: string): { payload: string; signature: string | null } {
  const at = raw.search(/^-----BEGIN (PGP|SSH) SIGNATURE-----$/m);
  return at < 0 ? { payload: raw, signature: null } : { payload: raw.slice(0, at), signature: raw.slice(at) };
}

export class GitHubStandIn {
  readonly requests: string[] = [];
  /** Answer this many of the next API requests / archive requests with HTTP 500. */
  apiFailures = 0;
  archiveFailures = 0;
  /** Send archives with a Content-Length larger than the body, then hang up. */
  truncateArchives = false;
  rateLimited = false;
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  constructor(
    private readonly repoDir: string,
    private readonly slug = 'NixOS/nixpkgs',
  ) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.apiFailures = 0;
    this.archiveFailures = 0;
    this.truncateArchives = false;
    this.rateLimited = false;
  }

  count(fragment: string): number {
    return this.requests.filter((r) => r.includes(fragment)).length;
  }

  private git(args: string[]): Buffer {
    return execFileSync('git', ['-C', this.repoDir, ...args], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private commitJson(sha: string): Record<string, unknown> {
    const raw = this.git(['cat-file', 'commit', sha]).toString('utf8');
    const { payload, signature } = splitRawCommit(raw);
    const header = (name: string) => raw.match(new RegExp(`^${name} (.*)$`, 'm'))?.[1] ?? '';
    const ident = (s: string) => {
      const [, name, email, t] = s.match(/^(.*) <(.*)> (\d+) [+-]\d{4}$/)!;
      return { name, email, date: new Date(Number(t) * 1000).toISOString().replace('.000Z', 'Z') };
    };
    return {
      tree: { sha: header('tree') },
      author: ident(header('author')),
      committer: ident(header('committer')),
      message: raw.slice(raw.indexOf('\n\n') + 2),
      // `verified` is what GitHub claims; the tool must ignore it.
      verification: { verified: true, reason: signature ? 'valid' : 'unsigned', signature, payload: signature ? payload : null },
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    this.requests.push(`${url.pathname}${url.search}`);
    const api = `/repos/${this.slug}`;
    if (url.pathname.startsWith('/repos/')) {
      if (this.rateLimited) return this.json(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' });
      if (this.apiFailures > 0) {
        this.apiFailures--;
        return this.json(res, 500, { message: 'Server Error' });
      }
    }
    if (url.pathname === `${api}/commits`) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      let lines: string[];
      try {
        // GitHub lists `git log` order (all parents), not first-parent.
        lines = this.git(['rev-list', '--parents', url.searchParams.get('sha') ?? 'HEAD', '--']).toString('utf8').trim().split('\n');
      } catch {
        return this.json(res, 404, { message: 'No commit found for SHA' });
      }
      const items = lines.slice((page - 1) * perPage, page * perPage).map((l) => {
        const [sha, ...parents] = l.split(' ');
        return { sha, parents: parents.map((p) => ({ sha: p })), commit: this.commitJson(sha!) };
      });
      return this.json(res, 200, items);
    }
    let m = url.pathname.match(new RegExp(`^${api}/git/commits/([0-9a-f]{40})$`));
    if (m) {
      try {
        const sha = m[1]!;
        const parents = this.git(['rev-list', '--parents', '-n1', sha]).toString('utf8').trim().split(' ').slice(1);
        return this.json(res, 200, { sha, parents: parents.map((p) => ({ sha: p })), ...this.commitJson(sha) });
      } catch {
        return this.json(res, 404, { message: 'Not Found' });
      }
    }
    // Tags: the ref names a commit (lightweight) or a tag object; tag objects as GitHub serves them.
    m = url.pathname.match(new RegExp(`^${api}/git/ref/tags/(.+)$`));
    if (m) {
      try {
        const name = decodeURIComponent(m[1]!);
        const sha = this.git(['rev-parse', '--verify', '--quiet', `refs/tags/${name}`]).toString('utf8').trim();
        const type = this.git(['cat-file', '-t', sha]).toString('utf8').trim();
        return this.json(res, 200, { ref: `refs/tags/${name}`, object: { type, sha } });
      } catch {
        return this.json(res, 404, { message: 'Not Found' });
      }
    }
    m = url.pathname.match(new RegExp(`^${api}/git/tags/([0-9a-f]{40})$`));
    if (m) {
      let raw: string;
      try {
        raw = this.git(['cat-file', 'tag', m[1]!]).toString('utf8');
      } catch {
        return this.json(res, 404, { message: 'Not Found' });
      }
      const { payload, signature } = splitRawTag(raw);
      const header = (name: string) => raw.match(new RegExp(`^${name} (.*)$`, 'm'))?.[1] ?? '';
      const [, name, email, t] = header('tagger').match(/^(.*) <(.*)> (\d+) [+-]\d{4}$/)!;
      return this.json(res, 200, {
        sha: m[1],
        tag: header('tag'),
        message: payload.slice(payload.indexOf('\n\n') + 2),
        tagger: { name, email, date: new Date(Number(t) * 1000).toISOString().replace('.000Z', 'Z') },
        object: { sha: header('object'), type: header('type') },
        // `verified` is what GitHub claims; the tool must ignore it.
        verification: { verified: true, reason: signature ? 'valid' : 'unsigned', signature, payload: signature ? payload : null },
      });
    }
    m = url.pathname.match(new RegExp(`^/${this.slug}/archive/([0-9a-f]{40})\\.tar\\.gz$`));
    if (m) {
      if (this.archiveFailures > 0) {
        this.archiveFailures--;
        res.writeHead(500);
        return void res.end('boom');
      }
      const rev = m[1]!;
      let body: Buffer;
      try {
        body = this.git(['archive', '--format=tar.gz', `--prefix=nixpkgs-${rev}/`, rev]);
      } catch {
        res.writeHead(404);
        return void res.end('Not Found');
      }
      if (this.truncateArchives) {
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        // Hang up mid-body, as a dropped connection does.
        setTimeout(() => res.destroy(), 20);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) });
      return void res.end(body);
    }
    return this.json(res, 404, { message: 'Not Found' });
  }
}
