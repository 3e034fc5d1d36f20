// Request bodies other than JSON: application/x-www-form-urlencoded, multipart/form-data (with file
// parts) and XML, built from the spec's media type so that injection and schema tests reach the
// fields of those bodies too. Pure functions: the context chooses the media type and the values.

import type { JsonSchema, SpecMediaContent } from '../model/index.js';

export type BodyKind = 'json' | 'form' | 'multipart' | 'xml';

export function bodyKind(contentType: string): BodyKind | undefined {
  const ct = contentType.toLowerCase();
  if (ct.includes('json')) return 'json';
  if (ct.startsWith('application/x-www-form-urlencoded')) return 'form';
  if (ct.startsWith('multipart/form-data')) return 'multipart';
  if (/[/+]xml\b/.test(ct)) return 'xml';
  return undefined;
}

/** A file part: the name it is uploaded under, its content type and content. */
export interface FilePart {
  filename: string;
  contentType: string;
  content: string;
}

const isFile = (v: unknown): v is FilePart =>
  !!v && typeof v === 'object' && 'filename' in v && 'content' in v && 'contentType' in v;

/** A file field of a multipart schema: string with format binary/base64, or contentMediaType. */
export function isFileSchema(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  return (
    (schema['type'] === 'string' && (schema['format'] === 'binary' || schema['format'] === 'base64')) ||
    typeof schema['contentMediaType'] === 'string'
  );
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/json': 'json',
};

/** A small, valid-looking file of a declared type (magic bytes where the type has some). */
export function sampleFile(contentType: string, name = 'mamori'): FilePart {
  const ct = contentType.split(',')[0]!.trim().toLowerCase() || 'application/octet-stream';
  const ext = EXTENSIONS[ct] ?? 'bin';
  const content =
    ct === 'application/pdf'
      ? '%PDF-1.4\n% mamori scan sample\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
      : ct.includes('xml')
        ? '<?xml version="1.0"?><sample>mamori</sample>'
        : ct === 'application/json'
          ? '{"sample":"mamori"}'
          : 'mamori scan sample\n';
  return {
    filename: `${name}.${ext}`,
    contentType: ct.includes('*') ? 'application/octet-stream' : ct,
    content,
  };
}

export interface EncodedBody {
  body: string;
  contentType: string;
}

/** Encodes a top-level object as the media type asks. Objects inside form fields become JSON. */
export function encodeBody(
  kind: BodyKind,
  value: unknown,
  opts: { boundary: string; root?: string },
): EncodedBody {
  if (kind === 'json') return { body: JSON.stringify(value), contentType: 'application/json' };
  const fields = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
  const text = (v: unknown) => (typeof v === 'string' ? v : v === null ? '' : JSON.stringify(v));
  if (kind === 'form') {
    const p = new URLSearchParams();
    for (const [k, v] of fields) {
      if (Array.isArray(v)) for (const x of v) p.append(k, text(x));
      else p.append(k, text(v));
    }
    return { body: p.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  if (kind === 'multipart') {
    const parts: string[] = [];
    for (const [k, v] of fields) {
      if (isFile(v)) {
        parts.push(
          `--${opts.boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${v.filename}"\r\nContent-Type: ${v.contentType}\r\n\r\n${v.content}\r\n`,
        );
      } else
        parts.push(`--${opts.boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${text(v)}\r\n`);
    }
    return {
      body: `${parts.join('')}--${opts.boundary}--\r\n`,
      contentType: `multipart/form-data; boundary=${opts.boundary}`,
    };
  }
  const root = opts.root ?? 'request';
  return {
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>${fields.map(([k, v]) => xmlElement(k, v)).join('')}</${root}>`,
    contentType: 'application/xml',
  };
}

function xmlElement(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => xmlElement(name, v)).join('');
  if (value && typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xmlElement(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(value === null || value === undefined ? '' : String(value))}</${name}>`;
}

/** Escapes text content, except for a value that is already markup the test means to send raw. */
function escapeXml(s: string): string {
  return s
    .replace(/&(?![a-z]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** The XML root element name the schema declares (`xml.name`), else a neutral one. */
export function xmlRoot(media: SpecMediaContent): string {
  const xml = media.schema?.['xml'] as { name?: unknown } | undefined;
  return typeof xml?.name === 'string' ? xml.name : 'request';
}
