/**
 * RFC 4180 CSV: fields separated by commas, optionally in double quotes (which may hold commas, line
 * breaks and doubled quotes), records ended by LF or CRLF. Returns the records as lists of fields.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let wasQuoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '' || wasQuoted) throw new SyntaxError(`CSV: stray quote in record ${rows.length + 1}`);
      quoted = true;
      wasQuoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      wasQuoted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      if (wasQuoted) throw new SyntaxError(`CSV: text after a closing quote in record ${rows.length + 1}`);
      field += c;
      i++;
    }
  }
  if (quoted) throw new SyntaxError('CSV: unterminated quoted field');
  if (field !== '' || wasQuoted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
