// Files the target serves outside its API: directory listings (API9) and the null-byte trick that
// gets past a file-type allow-list (CWE-158). Both read the same listings, gathered once per scan.

import { ok, type ScanContext } from '../context.js';
import type { ScanExchange, ScanTest } from '../types.js';

/** Common names of browsable folders (from dirb/dirbuster's common lists). */
const DIRECTORIES = [
  '/ftp',
  '/files',
  '/uploads',
  '/upload',
  '/backup',
  '/backups',
  '/export',
  '/exports',
  '/download',
  '/downloads',
  '/logs',
  '/log',
  '/tmp',
  '/data',
  '/old',
  '/keys',
  '/public',
  '/static',
  '/media',
  '/.well-known',
];
/** Listing pages of Apache, nginx autoindex, Python http.server, serve-index (Express), IIS. */
const LISTING =
  /<title>\s*(?:Index of|listing directory|Directory listing for)\b|<h1>\s*Index of\s*\/|\[To Parent Directory\]/i;
const MAX_FILES = 25;

export interface ListedFile {
  path: string;
  /** The plain GET of the file. */
  ex: ScanExchange;
}

export interface DirectoryListing {
  dir: string;
  listing: ScanExchange;
  control: ScanExchange | undefined;
  files: ListedFile[];
}

/** Links of a listing page (fetched from `page`) that point at files of folder `dir` (ends with /). */
export function listedLinks(html: string, page: string, dir: string): string[] {
  const base = new URL(page, 'http://listing.invalid');
  const out = new Set<string>();
  for (const m of html.matchAll(/href\s*=\s*["']([^"'#?]+)["']/gi)) {
    let u: URL;
    try {
      u = new URL(m[1]!, base);
    } catch {
      continue;
    }
    if (u.origin !== base.origin || !u.pathname.startsWith(dir)) continue;
    const rest = u.pathname.slice(dir.length);
    if (!rest || rest.includes('/')) continue; // files of this folder only (sub-folders are not crawled)
    out.add(u.pathname);
  }
  return [...out];
}

/** Every browsable folder of the wordlist, with a GET of each listed file (once per scan). */
export async function directoryListings(ctx: ScanContext): Promise<DirectoryListing[]> {
  if (ctx.listings) return ctx.listings;
  const found: DirectoryListing[] = [];
  ctx.listings = found;
  const documented = new Set(ctx.spec.operations.map((o) => ctx.fullPath(o.path)));
  for (const prefix of [...new Set(['', ctx.basePath])]) {
    for (const d of DIRECTORIES) {
      const dir = `${prefix}${d}/`;
      if (documented.has(`${prefix}${d}`)) continue;
      // Without the slash first (what a link to the folder uses), then with it.
      let listing: ScanExchange | undefined;
      let links: string[] = [];
      for (const page of [`${prefix}${d}`, dir]) {
        const ex = await ctx.send({ method: 'GET', path: page, as: '', note: `directory listing ${page}` });
        if (!ok(ex) || !LISTING.test(ex.response.body)) continue;
        listing = ex;
        links = listedLinks(ex.response.body, page, dir);
        break;
      }
      if (!listing || links.length === 0) continue;
      const control = await ctx.send({
        method: 'GET',
        path: `${prefix}/${ctx.rng.marker('nothere')}/`,
        as: '',
        note: 'control: a folder that cannot exist',
      });
      if (control && LISTING.test(control.response.body)) continue;
      const files: ListedFile[] = [];
      for (const path of links.slice(0, MAX_FILES)) {
        const ex = await ctx.send({ method: 'GET', path, as: '', note: `listed file ${path}` });
        if (ex) files.push({ path, ex });
      }
      found.push({ dir, listing, control, files });
    }
  }
  return found;
}

/** API9: a folder answers with a browsable listing of its files. */
export async function directoryListing(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const l of await directoryListings(ctx)) {
    const readable = l.files.filter((f) => ok(f.ex));
    const names = l.files.map((f) => f.path.slice(l.dir.length));
    const downloaded = readable.slice(0, 5).map((f) => f.path.slice(l.dir.length));
    ctx.report(test, {
      op: { method: 'GET', path: l.dir },
      absolutePath: true,
      where: l.dir,
      proof: [l.listing, ...(readable[0] ? [readable[0].ex] : []), ...(l.control ? [l.control] : [])],
      control: `a random folder got ${l.control?.response.status ?? 'no answer'} without a listing; ${l.dir} is in no spec`,
      detail: `${l.dir} lists ${names.length} file(s) to anyone (${names.slice(0, 10).join(', ')}); ${readable.length} of them download without credentials${
        downloaded.length ? ` (${downloaded.join(', ')})` : ''
      }.`,
      detailJa: `${l.dir} が誰にでも ${names.length} 個のファイルを一覧表示する(${names.slice(0, 10).join('、')})。そのうち ${readable.length} 個は認証情報なしでダウンロードできる${
        downloaded.length ? `(${downloaded.join('、')})` : ''
      }。`,
      controlJa: `ランダムなフォルダーは一覧なしで ${l.control?.response.status ?? '応答なし'} となり、${l.dir} はどの仕様にもない`,
      confidence: 0.95,
    });
  }
}

/** Extensions a refusal says are allowed ("Only .md and .pdf files are allowed"), else common ones. */
function allowedExtensions(refusal: string): string[] {
  const said = [...refusal.matchAll(/\.([a-z0-9]{2,5})\b/gi)].map((m) => m[1]!.toLowerCase());
  return said.length ? [...new Set(said)].slice(0, 3) : ['pdf', 'txt', 'md'];
}

/** A null byte ends the name the file system sees while the allow-list still sees an allowed suffix. */
const NULL_BYTE_FORMS = ['%2500', '%00'];

/** CWE-158: a listed file refused for its type downloads with `%00.<allowed ext>` appended. */
export async function nullByte(ctx: ScanContext, test: ScanTest): Promise<void> {
  for (const l of await directoryListings(ctx)) {
    const refused = l.files.filter((f) => f.ex.response.status >= 400 && f.ex.response.status < 500);
    if (refused.length === 0) continue;
    const got: Array<{ file: ListedFile; ex: ScanExchange; suffix: string }> = [];
    let control: ScanExchange | undefined;
    for (const file of refused.slice(0, 10)) {
      const exts = allowedExtensions(file.ex.response.body);
      attempts: for (const form of NULL_BYTE_FORMS) {
        for (const ext of exts) {
          const suffix = `${form}.${ext}`;
          const ex = await ctx.send({
            method: 'GET',
            path: `${file.path}${suffix}`,
            as: '',
            note: `null byte before an allowed extension (${suffix})`,
          });
          if (!ok(ex) || !ex.response.body || ex.response.body === file.ex.response.body) continue;
          control ??= await ctx.send({
            method: 'GET',
            path: `${l.dir}${ctx.rng.marker('nothere')}.bak${suffix}`,
            as: '',
            note: 'control: a file that does not exist, same suffix',
          });
          if (!control || ok(control)) return; // answers anything with this suffix: no proof
          got.push({ file, ex, suffix });
          break attempts;
        }
      }
    }
    const first = got[0];
    if (!first || !control) continue;
    ctx.report(test, {
      op: { method: 'GET', path: `${l.dir}{file}` },
      absolutePath: true,
      where: l.dir,
      proof: [first.file.ex, first.ex, control],
      control: `the plain name was refused (${first.file.ex.response.status}) and a file that does not exist with the same suffix got ${control.response.status}; the suffixed name returned the file`,
      detail: `Appending ${first.suffix} downloads files the server refuses by type: ${got
        .map((g) => g.file.path.slice(l.dir.length))
        .join(', ')}.`,
      detailJa: `${first.suffix} を付けると、サーバーが種類で拒否するファイルをダウンロードできる: ${got.map((g) => g.file.path.slice(l.dir.length)).join('、')}。`,
      controlJa: `元の名前は拒否され (${first.file.ex.response.status})、同じ接尾辞の存在しないファイルは ${control.response.status} だったが、接尾辞を付けた名前ではファイルが返った`,
      confidence: 0.95,
    });
  }
}
