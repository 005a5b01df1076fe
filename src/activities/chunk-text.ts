/**
 * Splits text into pieces of at most `maxBytes` UTF-8 bytes, preferring to cut at a line break
 * or a space near the end of each piece, so that a word (and most PII values) stays whole.
 * Concatenating the pieces gives the text back exactly.
 */
export function chunkText(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return [text];
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    // Characters take 1 to 4 bytes: start from a safe length and shrink until it fits.
    let end = Math.min(text.length, start + maxBytes);
    while (Buffer.byteLength(text.slice(start, end), 'utf8') > maxBytes) {
      end = start + Math.floor((end - start) * 0.9);
    }
    if (end < text.length) {
      const window = text.slice(start, end);
      const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
      if (cut > window.length / 2) end = start + cut + 1;
      // Never split a surrogate pair.
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}
