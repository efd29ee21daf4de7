//! Whole-file formats, one document per file: plain text (`txt`) and HTML pages (`html`).

use super::decompress::decode;
use super::html::{decode_html_bytes, extract_html};
use super::{
    FileRead, InputError, InputErrorKind, InputFile, UTF8_BOM, first_nul, has_utf16_bom,
    utf8_message,
};
use crate::config::InputSettings;
use crate::doc::{Format, Input, Provenance, RawDoc};
use serde_json::{Map, Value};

pub(super) fn read(file: &InputFile, stored: &[u8], settings: &InputSettings, read: &mut FileRead) {
    let path = file.display.as_str();
    let max = settings.max_record_bytes;
    let decoded = decode(stored, file.compression, Some(max), None);
    read.decompressed_bytes = decoded.data.len() as u64;
    let error = |kind, message: String| InputError::new(path, kind, message).at_record(0);
    if decoded.over_limit {
        read.errors.push(error(
            InputErrorKind::TooLarge,
            format!("file is larger than max_record_bytes ({max} bytes) after decompression"),
        ));
        return;
    }
    if let Some(seg) = decoded.failure() {
        let reached = decoded.data.len() as u64;
        let message = seg.failure.clone().unwrap_or_default();
        read.errors.push(
            error(
                InputErrorKind::Truncated,
                format!("{message}; the file is lost (decompressed data ends at byte {reached})"),
            )
            .at_byte(reached),
        );
        return;
    }
    let data: &[u8] = &decoded.data;
    if data.is_empty() {
        read.errors
            .push(error(InputErrorKind::Empty, "file is empty".into()));
        return;
    }
    // HTML decodes UTF-16 with a BOM; plain text is taken verbatim, so it must be UTF-8.
    if has_utf16_bom(data) {
        if file.format == Format::Txt {
            read.errors.push(error(
                InputErrorKind::Unsupported,
                "UTF-16 text (byte order mark at byte 0) is not supported; convert it to UTF-8"
                    .into(),
            ));
            return;
        }
    } else if let Some(at) = first_nul(data) {
        read.errors.push(
            error(
                InputErrorKind::Binary,
                format!("binary data (NUL byte at byte {at})"),
            )
            .at_byte(at as u64),
        );
        return;
    }
    let source = |byte_start: usize| Provenance {
        path: path.to_string(),
        format: file.format,
        record: 0,
        byte_start: byte_start as u64,
        byte_end: data.len() as u64,
        url: None,
        warc_record_id: None,
    };
    match file.format {
        Format::Html => match decode_html_bytes(data, None) {
            Ok(page) => {
                let x = extract_html(&page);
                let mut fields = Map::new();
                if let Some(t) = x.title {
                    fields.insert("title".into(), Value::String(t));
                }
                read.docs.push(RawDoc {
                    source: source(0),
                    text: x.text,
                    input: Input::Dom,
                    fields,
                });
            }
            Err((at, message)) => read
                .errors
                .push(error(InputErrorKind::InvalidUtf8, message).at_byte(at)),
        },
        _ => {
            // The BOM is dropped from the text, and byte_start says so, keeping offsets true.
            let start = if data.starts_with(UTF8_BOM) { 3 } else { 0 };
            match std::str::from_utf8(&data[start..]) {
                Ok(text) => read.docs.push(RawDoc {
                    source: source(start),
                    text: text.to_string(),
                    input: if settings.txt_pages {
                        Input::Page
                    } else {
                        Input::Extracted
                    },
                    fields: Map::new(),
                }),
                Err(e) => {
                    let at = start + e.valid_up_to();
                    read.errors.push(
                        error(InputErrorKind::InvalidUtf8, utf8_message(data, at))
                            .at_byte(at as u64),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn txt_good_file() {
        let r = read_named("a.txt", b"Hello world.\nSecond line.\n");
        assert_eq!(r.records, 1);
        assert!(r.errors.is_empty());
        let d = &r.docs[0];
        assert_eq!(d.text, "Hello world.\nSecond line.\n");
        assert_eq!(d.source.path, "a.txt");
        assert_eq!(d.source.format, Format::Txt);
        assert_eq!(
            (d.source.record, d.source.byte_start, d.source.byte_end),
            (0, 0, 26)
        );
        assert_eq!(d.source.url, None);
    }

    #[test]
    fn txt_with_bom() {
        let r = read_named("a.txt", b"\xef\xbb\xbfcaf\xc3\xa9");
        let d = &r.docs[0];
        assert_eq!(d.text, "café");
        assert_eq!((d.source.byte_start, d.source.byte_end), (3, 8));
    }

    #[test]
    fn txt_invalid_utf8_reports_exact_byte() {
        let r = read_named("a.txt", b"abc\ndef \xff tail");
        assert!(r.docs.is_empty());
        assert_eq!(r.records, 1);
        let e = &r.errors[0];
        assert_eq!(e.kind, InputErrorKind::InvalidUtf8);
        assert_eq!(e.byte, Some(8));
        assert_eq!(
            e.to_string(),
            "a.txt: record 0: byte 8: invalid UTF-8 at byte 8 (byte 0xff)"
        );
        // with a BOM the offset still counts from the file start
        let r = read_named("b.txt", b"\xef\xbb\xbfab\xc3");
        assert_eq!(r.errors[0].byte, Some(5));
    }

    #[test]
    fn empty_file() {
        let r = read_named("a.txt", b"");
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Empty);
        // empty after decompression is empty too
        let r = read_named("a.txt.gz", &gzip(b""));
        assert_eq!(r.errors[0].kind, InputErrorKind::Empty);
    }

    #[test]
    fn binary_file() {
        let r = read_named("a.txt", b"PK\x03\x04\x00\x00binary");
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Binary);
        assert_eq!(r.errors[0].byte, Some(4));
        let r = read_named("a.html", b"\x89PNG\r\n\x1a\n\x00\x00");
        assert_eq!(r.errors[0].kind, InputErrorKind::Binary);
    }

    #[test]
    fn utf16_txt_unsupported() {
        let r = read_named("a.txt", b"\xff\xfeh\x00i\x00");
        assert_eq!(r.errors[0].kind, InputErrorKind::Unsupported);
    }

    #[test]
    fn txt_gz_good() {
        let r = read_named("a.txt.gz", &gzip("Grüße\n".as_bytes()));
        assert!(r.errors.is_empty());
        assert_eq!(r.docs[0].text, "Grüße\n");
        assert_eq!(r.docs[0].source.byte_end, 8);
        assert_eq!(r.decompressed_bytes, 8);
    }

    #[test]
    fn truncated_gz_is_an_error_not_a_panic() {
        let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let gz = gzip(text.as_bytes());
        for cut in [1, 5, 10, 20, gz.len() / 2, gz.len() - 4, gz.len() - 1] {
            let r = read_named("a.txt.gz", &gz[..cut]);
            assert_eq!(r.records, 1, "cut {cut}");
            assert!(r.docs.is_empty(), "cut {cut}");
            let e = &r.errors[0];
            assert_eq!(e.kind, InputErrorKind::Truncated, "cut {cut}: {e}");
            assert_eq!(e.byte, Some(r.decompressed_bytes));
        }
    }

    #[test]
    fn zst_good_and_truncated() {
        let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let z = zstd(text.as_bytes());
        let r = read_named("a.txt.zst", &z);
        assert!(r.errors.is_empty());
        assert_eq!(r.docs[0].text, text);
        let r = read_named("a.txt.zstd", &z[..z.len() / 2]);
        assert_eq!(r.records, 1);
        assert!(r.docs.is_empty());
        assert_eq!(r.errors[0].kind, InputErrorKind::Truncated);
    }

    #[test]
    fn too_large_txt() {
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, "big.txt.gz", &gzip(&vec![b'a'; 5000]));
        let mut s = settings();
        s.max_record_bytes = 4096;
        let r = super::super::read_file(&f, &s);
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::TooLarge);
    }

    #[test]
    fn txt_is_a_page_unless_the_settings_say_it_is_content() {
        use crate::doc::Input;
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, "a.txt", b"Menu\nAn article.\n");
        let mut s = settings();
        assert_eq!(super::super::read_file(&f, &s).docs[0].input, Input::Page);
        s.txt_pages = false;
        assert_eq!(
            super::super::read_file(&f, &s).docs[0].input,
            Input::Extracted
        );
        let html = file(&dir, "a.html", b"<p>An article.</p>");
        assert_eq!(super::super::read_file(&html, &s).docs[0].input, Input::Dom);
    }

    #[test]
    fn html_file_extracted_with_title() {
        let page = b"<html><head><title>T</title><script>x()</script></head>\
            <body><nav>Menu</nav><h1>Head</h1><p>Body text.</p><footer>foot</footer></body></html>";
        let r = read_named("p.html", page);
        let d = &r.docs[0];
        assert_eq!(d.text, "Head\nBody text.");
        assert_eq!(d.fields["title"], "T");
        assert_eq!(d.source.format, Format::Html);
        assert_eq!(
            (d.source.byte_start, d.source.byte_end),
            (0, page.len() as u64)
        );
    }

    #[test]
    fn html_windows_1252_with_meta_charset() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
            </head><body><p>Caf\xe9 \x96 na\xefve \x80 5</p></body></html>";
        let r = read_named("p.htm", page);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.docs[0].text, "Café – naïve € 5");
    }

    #[test]
    fn html_undeclared_latin1_is_an_error() {
        let r = read_named("p.html", b"<p>Caf\xe9</p>");
        assert_eq!(r.errors[0].kind, InputErrorKind::InvalidUtf8);
        assert_eq!(r.errors[0].byte, Some(6));
    }

    #[test]
    fn real_html_sample_reads() {
        let dir = shared_dir().join("data/aeb/html");
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        let found = super::super::discover(&entries[..3], &settings());
        assert_eq!(found.files.len(), 3);
        for f in &found.files {
            let r = super::super::read_file(f, &settings());
            assert_eq!(r.docs.len(), 1, "{}: {:?}", f.display, r.errors);
            assert!(r.docs[0].text.len() > 100, "{}", f.display);
        }
    }
}
