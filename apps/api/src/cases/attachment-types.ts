// The kinds of evidence a case accepts: PDF, office documents, images, text, CSV and ZIP. Anything else is 415.
// SVG is deliberately absent (it can carry scripts).

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  rtf: 'application/rtf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
};

const ALLOWED = new Set<string>([
  ...Object.values(BY_EXTENSION),
  'application/x-zip-compressed',
  'application/vnd.ms-word',
  'text/rtf',
]);

/** Content types browsers send for files they cannot classify; the extension decides then. */
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * The content type to store for an upload, or undefined when it is not accepted. Parameters (charset) are
 * dropped; a generic type is replaced by the one of the file's extension; Windows's CSV type counts as CSV.
 */
export function acceptedContentType(declared: string | undefined, fileName: string): string | undefined {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (GENERIC.has(type)) return BY_EXTENSION[ext];
  if (type === 'application/vnd.ms-excel' && ext === 'csv') return 'text/csv';
  if (type === 'application/x-zip-compressed') return 'application/zip';
  return ALLOWED.has(type) ? type : undefined;
}

/** A Content-Disposition header that keeps non-ASCII names (RFC 6266 / 5987) and cannot be broken by quotes. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
