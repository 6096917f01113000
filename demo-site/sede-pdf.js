// A small one-page PDF writer for forms made in the browser: text in the standard Helvetica
// fonts (no font to embed) with WinAnsiEncoding, so the letters of Spanish, Catalan, Basque and
// Galician (ñ, ç, á, ò, ü, l·l …) show; lines and filled rectangles; an uncompressed content
// stream and a classic cross-reference table whose offsets are counted in bytes, which is what
// the SDK's PAdES incremental update, qpdf and pdfsig read.

// Advance widths (1/1000 em) of WinAnsi codes 32–255, Helvetica and Helvetica-Bold (the URW
// Nimbus Sans metrics, which are Helvetica's); 0 for the five codes WinAnsi leaves undefined.
const WIDTHS = {
  F1: '278,278,355,556,556,889,667,191,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,278,278,584,584,584,556,1015,667,667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,667,611,722,667,944,667,667,611,278,278,278,469,556,333,556,556,500,556,556,278,556,556,222,222,500,222,833,556,556,556,556,333,500,278,556,500,722,500,500,500,334,260,334,584,556,0,222,556,333,1000,556,556,333,1000,667,333,1000,0,611,0,0,222,222,333,333,350,556,1000,333,1000,500,333,944,0,500,667,278,333,556,556,556,556,260,556,333,737,370,556,584,333,737,333,400,584,333,333,333,556,537,278,333,333,365,556,834,834,834,611,667,667,667,667,667,667,1000,722,667,667,667,667,278,278,278,278,722,722,778,778,778,778,778,584,778,722,722,722,722,667,667,611,556,556,556,556,556,556,889,500,556,556,556,556,278,278,278,278,556,556,556,556,556,556,556,584,611,556,556,556,556,500,556,500',
  F2: '278,333,474,556,556,889,722,238,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,333,333,584,584,584,611,975,722,722,722,722,667,611,778,722,278,556,722,611,833,722,778,667,778,722,667,611,722,667,944,667,667,611,333,278,333,584,556,333,556,611,556,611,556,333,611,611,278,278,556,278,889,611,611,611,611,389,556,333,611,556,778,556,556,500,389,280,389,584,556,0,278,556,500,1000,556,556,333,1000,667,333,1000,0,611,0,0,278,278,500,500,350,556,1000,333,1000,556,333,944,0,500,667,278,333,556,556,556,556,280,556,333,737,370,556,584,333,737,333,400,584,333,333,333,611,556,278,333,333,365,556,834,834,834,611,722,722,722,722,722,722,1000,722,667,667,667,667,278,278,278,278,722,722,778,778,778,778,778,584,778,722,722,722,722,667,667,611,556,556,556,556,556,556,889,556,556,556,556,556,278,278,278,278,611,611,611,611,611,611,611,584,611,611,611,611,611,556,611,556',
};
const widthTables = Object.fromEntries(Object.entries(WIDTHS).map(([font, list]) => [font, list.split(',').map(Number)]));

// WinAnsi codes 128–159 (the rest of 160–255 is Latin-1 itself).
const WIN_ANSI_HIGH = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

/** The WinAnsi bytes of `text`; characters the encoding lacks become '?'. */
export function winAnsi(text) {
  const bytes = [];
  for (const ch of text.normalize('NFC')) {
    const c = ch.codePointAt(0);
    if (c === 0x2009 || c === 0x202f || c === 0x00a0) bytes.push(0x20); // thin and no-break spaces (Intl dates)
    else if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c <= 0xff)) bytes.push(c);
    else bytes.push(WIN_ANSI_HIGH[c] ?? 0x3f);
  }
  return bytes;
}

/** Width of `text` in points, in font `F1` (Helvetica) or `F2` (Helvetica-Bold) at `size`. */
export function textWidth(text, font, size) {
  const table = widthTables[font];
  return winAnsi(text).reduce((sum, b) => sum + table[b - 32], 0) * size / 1000;
}

/** `text` broken at spaces into lines no wider than `width` points (a longer word stays whole). */
export function wrap(text, font, size, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, font, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A PDF literal string of WinAnsi bytes: only printable ASCII as is, the rest as octal escapes. */
function literal(text) {
  let out = '(';
  for (const b of winAnsi(text)) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out})`;
}

/** A text string for the document information dictionary: UTF-16BE with its byte order mark. */
function textString(text) {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i += 1) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

const num = (n) => (Math.round(n * 100) / 100).toString();

/**
 * A page being drawn, in PDF points from the lower-left corner. `font`: 'F1' (Helvetica) or
 * 'F2' (Helvetica-Bold); colours are [r, g, b] from 0 to 1.
 */
export class Page {
  constructor(width = 595, height = 842) {
    this.width = width;
    this.height = height;
    this.ops = [];
  }

  text(x, y, text, { font = 'F1', size = 11, color = [0, 0, 0] } = {}) {
    this.ops.push(`BT ${color.map(num).join(' ')} rg /${font} ${num(size)} Tf ${num(x)} ${num(y)} Td ${literal(text)} Tj ET`);
  }

  rect(x, y, width, height, { fill = null, stroke = null, lineWidth = 1 } = {}) {
    const paint = fill && stroke ? 'B' : fill ? 'f' : 'S';
    this.ops.push([
      'q',
      fill ? `${fill.map(num).join(' ')} rg` : '',
      stroke ? `${stroke.map(num).join(' ')} RG ${num(lineWidth)} w` : '',
      `${num(x)} ${num(y)} ${num(width)} ${num(height)} re ${paint} Q`,
    ].filter(Boolean).join(' '));
  }

  line(x1, y1, x2, y2, { color = [0, 0, 0], lineWidth = 1 } = {}) {
    this.ops.push(`q ${color.map(num).join(' ')} RG ${num(lineWidth)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S Q`);
  }
}

/**
 * The PDF file of one `page`, with `info` ({ title, author, subject }) in its document
 * information dictionary. Returns a Uint8Array.
 */
export function onePagePdf(page, info = {}, date = new Date()) {
  const content = page.ops.join('\n');
  const pad = (n) => String(n).padStart(2, '0');
  const pdfDate = `D:${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  const infoEntries = [
    info.title && `/Title ${textString(info.title)}`,
    info.author && `/Author ${textString(info.author)}`,
    info.subject && `/Subject ${textString(info.subject)}`,
    `/Producer ${textString('nubefirma demo sede (sede-pdf.js)')}`,
    `/CreationDate (${pdfDate})`,
  ].filter(Boolean).join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    // Every byte of the content is ASCII (literal() escapes the rest), so its length in
    // characters is its length in bytes.
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< ${infoEntries} >>`,
  ];
  // The header's second line (bytes above 127) tells tools the file is binary.
  const head = [...new TextEncoder().encode('%PDF-1.7\n'), 0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a];
  let body = '';
  const offsets = [];
  for (const [i, object] of objects.entries()) {
    offsets.push(head.length + body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xrefAt = head.length + body.length;
  const id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const tail = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R /ID [<${id}> <${id}>] >>`,
    'startxref',
    String(xrefAt),
    '%%EOF',
    '',
  ].join('\n');
  // body and tail are ASCII only: one byte per character.
  const ascii = new TextEncoder().encode(body + tail);
  const out = new Uint8Array(head.length + ascii.length);
  out.set(head, 0);
  out.set(ascii, head.length);
  return out;
}
