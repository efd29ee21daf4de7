//! JSON lines: one document per non-blank line, an object whose text field is the document.
//!
//! A bad line costs that line only. Record indexes count every non-blank line, readable or
//! not, so a record keeps its index whatever happens to its neighbours.

use super::decompress::decode;
use super::{
    FileRead, InputError, InputErrorKind, InputFile, UTF8_BOM, first_nul, has_utf16_bom,
    utf8_message,
};
use crate::config::InputSettings;
use crate::doc::{Format, Input, Provenance, RawDoc};
use serde_json::Value;

pub(super) fn read(file: &InputFile, stored: &[u8], settings: &InputSettings, read: &mut FileRead) {
    let path = file.display.as_str();
    let decoded = decode(stored, file.compression, None, None);
    read.decompressed_bytes = decoded.data.len() as u64;
    let data: &[u8] = &decoded.data;
    let failure = decoded
        .failure()
        .map(|s| s.failure.clone().unwrap_or_default());
    if data.is_empty() {
        let e = match failure {
            Some(m) => InputError::new(path, InputErrorKind::Truncated, m).at_byte(0),
            None => InputError::new(path, InputErrorKind::Empty, "file is empty"),
        };
        read.errors.push(e);
        return;
    }
    if has_utf16_bom(data) {
        read.errors.push(InputError::new(
            path,
            InputErrorKind::Unsupported,
            "UTF-16 text (byte order mark at byte 0) is not supported; convert it to UTF-8",
        ));
        return;
    }
    if let Some(at) = first_nul(data) {
        read.errors.push(
            InputError::new(
                path,
                InputErrorKind::Binary,
                format!("binary data (NUL byte at byte {at})"),
            )
            .at_byte(at as u64),
        );
        return;
    }
    // After a decompression failure only newline-terminated lines are known to be whole.
    let end = match failure {
        Some(_) => memchr::memrchr(b'\n', data).map_or(0, |i| i + 1),
        None => data.len(),
    };
    let mut lines = Lines {
        path,
        settings,
        base: 0,
        line: 0,
        record: 0,
        read,
    };
    let pos = if data.starts_with(UTF8_BOM) { 3 } else { 0 };
    lines.all(data, pos, end);
    if let Some(message) = failure {
        let (line, record) = (lines.line + 1, lines.record);
        read.errors.push(
            InputError::new(
                path,
                InputErrorKind::Truncated,
                format!("{message}; everything from decompressed byte {end} on is lost"),
            )
            .at_record(record)
            .at_line(line)
            .at_byte(end as u64),
        );
    }
}

/// Parse a chunk of whole lines that a [`super::stream::JsonlStream`] cut from a file: `base` is
/// the chunk's offset in the decompressed file, `first_line` (1-based) and `first_record` the
/// numbers its first line gets. Documents and errors are appended to `out`.
pub(crate) fn parse_chunk(
    path: &str,
    data: &[u8],
    base: u64,
    first_line: u64,
    first_record: u64,
    settings: &InputSettings,
    out: &mut FileRead,
) {
    let mut lines = Lines {
        path,
        settings,
        base,
        line: first_line - 1,
        record: first_record,
        read: out,
    };
    lines.all(data, 0, data.len());
}

/// Whether a line holds a record: blank lines are not records and get no index.
pub(crate) fn is_record(line: &[u8]) -> bool {
    !line.iter().all(u8::is_ascii_whitespace)
}

struct Lines<'a> {
    path: &'a str,
    settings: &'a InputSettings,
    /// Offset of `data` in the decompressed file (chunks of a stream start later than 0).
    base: u64,
    /// 1-based number of the current line.
    line: u64,
    /// Index the next non-blank line gets.
    record: u64,
    read: &'a mut FileRead,
}

impl Lines<'_> {
    /// Every line of `data[pos..end]` (a trailing `\r` is not part of a line).
    fn all(&mut self, data: &[u8], mut pos: usize, end: usize) {
        while pos < end {
            let (line_end, next) = match memchr::memchr(b'\n', &data[pos..end]) {
                Some(i) => (pos + i, pos + i + 1),
                None => (end, end),
            };
            let stop = if line_end > pos && data[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            self.line += 1;
            self.one(data, pos, stop);
            pos = next;
        }
    }

    fn one(&mut self, data: &[u8], start: usize, end: usize) {
        let bytes = &data[start..end];
        if !is_record(bytes) {
            return;
        }
        let base = self.base;
        let record = self.record;
        self.record += 1;
        let error = |kind, message: String| {
            InputError::new(self.path, kind, message)
                .at_record(record)
                .at_line(self.line)
                .at_byte(base + start as u64)
        };
        let max = self.settings.max_record_bytes;
        if bytes.len() as u64 > max {
            let e = error(
                InputErrorKind::TooLarge,
                format!(
                    "line of {} bytes is larger than max_record_bytes ({max})",
                    bytes.len()
                ),
            );
            self.read.errors.push(e);
            return;
        }
        let value = match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => v,
            Err(e) => {
                // serde reports bad UTF-8 as a JSON error; the byte offset is more useful.
                let err = match std::str::from_utf8(bytes) {
                    Err(u) => {
                        let at = start + u.valid_up_to();
                        let file_at = base + at as u64;
                        let mut err = error(
                            InputErrorKind::InvalidUtf8,
                            utf8_message(data, at)
                                .replace(&format!("byte {at} "), &format!("byte {file_at} ")),
                        );
                        err.byte = Some(file_at);
                        err
                    }
                    Ok(_) => error(InputErrorKind::MalformedJson, json_message(&e)),
                };
                self.read.errors.push(err);
                return;
            }
        };
        let field = self.settings.text_field.as_str();
        let mut map = match value {
            Value::Object(map) => map,
            other => {
                let e = error(
                    InputErrorKind::MissingField,
                    format!("line is a JSON {}, not an object", type_name(&other)),
                );
                self.read.errors.push(e);
                return;
            }
        };
        let text = match map.remove(field) {
            Some(Value::String(s)) => s,
            Some(other) => {
                let e = error(
                    InputErrorKind::MissingField,
                    format!(
                        "field {field:?} is a JSON {}, not a string",
                        type_name(&other)
                    ),
                );
                self.read.errors.push(e);
                return;
            }
            None => {
                let e = error(InputErrorKind::MissingField, format!("no {field:?} field"));
                self.read.errors.push(e);
                return;
            }
        };
        let url = map
            .get(self.settings.url_field.as_str())
            .and_then(Value::as_str)
            .map(str::to_string);
        self.read.docs.push(RawDoc {
            source: Provenance {
                path: self.path.to_string(),
                format: Format::Jsonl,
                record,
                byte_start: base + start as u64,
                byte_end: base + end as u64,
                url,
                warc_record_id: None,
            },
            text,
            input: if self.settings.jsonl_pages {
                Input::Page
            } else {
                Input::Extracted
            },
            fields: map,
        });
    }
}

/// serde's message with its position given as a column: the line number it knows is always 1.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let msg = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m);
    format!("malformed JSON at column {}: {msg}", e.column())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn malformed_line_in_the_middle() {
        let data = b"{\"text\":\"one\"}\n\n{\"text\": oops}\r\n{\"text\":\"three\"}\n";
        let r = read_named("a.jsonl", data);
        assert_eq!(r.records, 3);
        assert_eq!(r.docs.len(), 2);
        assert_eq!(r.docs[0].text, "one");
        assert_eq!(r.docs[0].source.record, 0);
        assert_eq!(r.docs[1].text, "three");
        assert_eq!(r.docs[1].source.record, 2);
        // line 4 starts at byte 32 and ends before its newline
        assert_eq!(
            (r.docs[1].source.byte_start, r.docs[1].source.byte_end),
            (32, 48)
        );
        let e = &r.errors[0];
        assert_eq!(e.kind, InputErrorKind::MalformedJson);
        assert_eq!((e.line, e.record, e.byte), (Some(3), Some(1), Some(16)));
        assert_eq!(
            e.to_string(),
            "a.jsonl: line 3: byte 16: malformed JSON at column 10: expected value"
        );
    }

    #[test]
    fn missing_and_non_string_text_field() {
        let r = read_named(
            "a.jsonl",
            b"{\"body\":\"x\"}\n{\"text\":null}\n[1]\n{\"text\":\"ok\"}",
        );
        assert_eq!(r.records, 4);
        assert_eq!(r.docs.len(), 1);
        assert_eq!(r.docs[0].source.record, 3);
        let kinds: Vec<_> = r.errors.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![InputErrorKind::MissingField; 3]);
        assert_eq!(r.errors[0].message, "no \"text\" field");
        assert_eq!(
            r.errors[1].message,
            "field \"text\" is a JSON null, not a string"
        );
        assert_eq!(r.errors[2].line, Some(3));
    }

    #[test]
    fn extra_fields_kept_and_url_in_provenance() {
        let r = read_named(
            "a.ndjson",
            b"{\"id\":7,\"text\":\"hi\",\"url\":\"https://x.org/\",\"meta\":{\"a\":1}}\n",
        );
        let d = &r.docs[0];
        assert_eq!(d.text, "hi");
        assert_eq!(d.source.url.as_deref(), Some("https://x.org/"));
        assert_eq!(d.fields["id"], 7);
        assert_eq!(d.fields["url"], "https://x.org/");
        assert_eq!(d.fields["meta"]["a"], 1);
        assert!(!d.fields.contains_key("text"));
    }

    #[test]
    fn line_over_max_record_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("{{\"text\":\"{}\"}}", "a".repeat(200));
        let data = format!("{{\"text\":\"short\"}}\n{long}\n{{\"text\":\"after\"}}\n");
        let f = file(&dir, "a.jsonl", data.as_bytes());
        let mut s = settings();
        s.max_record_bytes = 100;
        let r = super::super::read_file(&f, &s);
        assert_eq!(r.records, 3);
        assert_eq!(r.docs.len(), 2);
        assert_eq!(r.errors[0].kind, InputErrorKind::TooLarge);
        assert_eq!(r.errors[0].line, Some(2));
        assert_eq!(r.docs[1].source.record, 2);
    }

    #[test]
    fn invalid_utf8_costs_one_line() {
        let r = read_named(
            "a.jsonl",
            b"{\"text\":\"a\"}\n{\"text\":\"b\xff\"}\n{\"text\":\"c\"}\n",
        );
        assert_eq!(r.docs.len(), 2);
        let e = &r.errors[0];
        assert_eq!(e.kind, InputErrorKind::InvalidUtf8);
        assert_eq!((e.line, e.byte), (Some(2), Some(23)));
    }

    #[test]
    fn truncated_gz_keeps_complete_lines() {
        let data: String = (0..3000)
            .map(|i| format!("{{\"text\":\"document number {i}\"}}\n"))
            .collect();
        let gz = gzip(data.as_bytes());
        let r = read_named("a.jsonl.gz", &gz[..gz.len() * 2 / 3]);
        let n = r.docs.len();
        assert!(n > 100 && n < 3000, "{n}");
        assert_eq!(r.errors.len(), 1);
        let e = &r.errors[0];
        assert_eq!(e.kind, InputErrorKind::Truncated);
        assert_eq!(e.record, Some(n as u64));
        assert_eq!(e.line, Some(n as u64 + 1));
        for (i, d) in r.docs.iter().enumerate() {
            assert_eq!(d.text, format!("document number {i}"));
        }
        assert_eq!(r.records, n as u64 + 1);
    }

    #[test]
    fn last_line_without_newline_and_bom() {
        let r = read_named("a.jsonl", b"\xef\xbb\xbf{\"text\":\"a\"}\n{\"text\":\"b\"}");
        assert_eq!(r.docs.len(), 2);
        assert_eq!(r.docs[0].source.byte_start, 3);
        assert_eq!(r.docs[1].source.byte_end, 28);
    }
}
