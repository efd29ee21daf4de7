//! Finding input files: the paths given, folders walked recursively, each file's format and
//! compression told from its extensions, in a deterministic order.

use super::{Discovery, InputError, InputErrorKind, InputFile, SkippedFile, SourceCompression};
use crate::config::InputSettings;
use crate::doc::Format;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Find the files to read under `paths` (files or folders).
///
/// Inputs keep the order they were given in; the files of a folder are sorted by their path
/// string. Hidden entries (name starting with `.`) inside folders, files with unknown
/// extensions and files listed twice are reported in `skipped`; paths that cannot be read in
/// `errors`.
pub fn discover(paths: &[PathBuf], settings: &InputSettings) -> Discovery {
    let mut found = Discovery::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for given in paths {
        let shown = display_of(given);
        let meta = match std::fs::metadata(given) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push(InputError::new(
                    &shown,
                    InputErrorKind::Unreadable,
                    format!("cannot read input path: {e}"),
                ));
                continue;
            }
        };
        if meta.is_dir() {
            walk(given, &shown, settings, &mut found, &mut seen);
        } else if meta.is_file() {
            add(given, shown, meta.len(), settings, &mut found, &mut seen);
        } else {
            found.skipped.push(SkippedFile {
                path: shown,
                reason: "not a regular file or folder".into(),
            });
        }
    }
    found
}

fn walk(
    root: &Path,
    shown: &str,
    settings: &InputSettings,
    found: &mut Discovery,
    seen: &mut HashSet<PathBuf>,
) {
    let base = shown.trim_end_matches('/');
    let base = if base.is_empty() { "/" } else { base };
    let join = |p: &Path| -> String {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let mut s = String::from(base);
        for c in rel.components() {
            if !s.ends_with('/') {
                s.push('/');
            }
            s.push_str(&c.as_os_str().to_string_lossy());
        }
        s
    };
    let mut files: Vec<(String, PathBuf, u64)> = Vec::new();
    // Sorting the walk makes skipped entries and errors come out in a stable order too.
    let mut walker = WalkDir::new(root)
        .follow_links(settings.follow_links)
        .sort_by_file_name()
        .into_iter();
    while let Some(next) = walker.next() {
        let entry = match next {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().map_or_else(|| base.to_string(), join);
                let message = match e.loop_ancestor() {
                    Some(a) => format!("symbolic link loop back to {}", a.display()),
                    None => format!("cannot read: {e}"),
                };
                found
                    .errors
                    .push(InputError::new(&at, InputErrorKind::Unreadable, message));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let shown = join(entry.path());
        let kind = entry.file_type();
        if entry.file_name().to_string_lossy().starts_with('.') {
            found.skipped.push(SkippedFile {
                path: shown,
                reason: "hidden".into(),
            });
            if kind.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() {
            found.skipped.push(SkippedFile {
                path: shown,
                reason: "symbolic link (follow_links is off)".into(),
            });
            continue;
        }
        if !kind.is_file() {
            found.skipped.push(SkippedFile {
                path: shown,
                reason: "not a regular file".into(),
            });
            continue;
        }
        match entry.metadata() {
            Ok(m) => files.push((shown, entry.into_path(), m.len())),
            Err(e) => found.errors.push(InputError::new(
                &shown,
                InputErrorKind::Unreadable,
                format!("cannot read: {e}"),
            )),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (shown, path, size) in files {
        add(&path, shown, size, settings, found, seen);
    }
}

fn add(
    path: &Path,
    shown: String,
    size: u64,
    settings: &InputSettings,
    found: &mut Discovery,
    seen: &mut HashSet<PathBuf>,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    match classify(&name, settings) {
        Ok((format, compression)) => {
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if !seen.insert(key) {
                found.skipped.push(SkippedFile {
                    path: shown,
                    reason: "listed twice (same file as an earlier input)".into(),
                });
                return;
            }
            found.files.push(InputFile {
                path: path.to_path_buf(),
                display: shown,
                format,
                compression,
                size,
                part: None,
            });
        }
        Err(reason) => found.skipped.push(SkippedFile {
            path: shown,
            reason,
        }),
    }
}

/// Format and compression from a file name's extensions (case-insensitive), or why not.
pub(crate) fn classify(
    name: &str,
    settings: &InputSettings,
) -> Result<(Format, SourceCompression), String> {
    let name = name.to_lowercase();
    let Some((stem, ext)) = name
        .rsplit_once('.')
        .filter(|(s, e)| !s.is_empty() && !e.is_empty())
    else {
        return Err("no file extension".into());
    };
    let (compression, stem, ext) = match ext {
        "gz" => (SourceCompression::Gzip, stem, ext),
        "zst" | "zstd" => (SourceCompression::Zstd, stem, ext),
        "bz2" | "xz" | "lz4" | "lzma" | "br" | "zip" | "7z" | "tgz" | "rar" => {
            return Err(format!("unsupported compression .{ext}"));
        }
        _ => (SourceCompression::None, stem, ext),
    };
    let ext = if compression == SourceCompression::None {
        ext
    } else {
        match stem.rsplit_once('.') {
            Some((s, inner)) if !s.is_empty() && !inner.is_empty() => inner,
            _ => return Err(format!("no format extension before .{ext}")),
        }
    };
    let format = settings.formats.get(ext).copied().or_else(|| {
        settings
            .formats
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(ext))
            .map(|(_, f)| *f)
    });
    match format {
        Some(f) => Ok((f, compression)),
        None => Err(format!("unknown extension .{ext}")),
    }
}

/// A path as the user wrote it, with `/` separators.
fn display_of(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::settings;
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn walks_sorts_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        for rel in [
            "b.txt",
            "a/z.jsonl",
            "a-b/y.HTML",
            "a/sub/c.warc.gz",
            "notes.md",
            "data.json.gz",
            ".hidden.txt",
            ".git/config.txt",
            "README",
            "d.txt.zst",
            "e.txt.bz2",
        ] {
            touch(&root, rel);
        }
        let d = discover(std::slice::from_ref(&root), &settings());
        let base = display_of(&root);
        let shown: Vec<String> = d
            .files
            .iter()
            .map(|f| f.display[base.len()..].to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "/a-b/y.HTML",
                "/a/sub/c.warc.gz",
                "/a/z.jsonl",
                "/b.txt",
                "/d.txt.zst"
            ]
        );
        let f = &d.files[1];
        assert_eq!(
            (f.format, f.compression, f.size),
            (Format::Warc, SourceCompression::Gzip, 1)
        );
        assert_eq!(d.files[0].format, Format::Html);
        assert_eq!(d.files[4].compression, SourceCompression::Zstd);
        let skipped: Vec<(String, String)> = d
            .skipped
            .iter()
            .map(|s| (s.path[base.len()..].to_string(), s.reason.clone()))
            .collect();
        let expect = [
            ("/.git", "hidden"),
            ("/.hidden.txt", "hidden"),
            ("/README", "no file extension"),
            ("/data.json.gz", "unknown extension .json"),
            ("/e.txt.bz2", "unsupported compression .bz2"),
            ("/notes.md", "unknown extension .md"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(skipped, expect);
        assert!(d.errors.is_empty());
    }

    #[test]
    fn display_joins_given_path_and_explicit_files() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "seeds/000_x.txt");
        touch(dir.path(), "one.md");
        let seeds = dir.path().join("seeds");
        let given = format!("{}/", display_of(&seeds));
        let explicit = dir.path().join("seeds/000_x.txt");
        let d = discover(
            &[PathBuf::from(&given), dir.path().join("one.md"), explicit],
            &settings(),
        );
        assert_eq!(d.files.len(), 1);
        assert_eq!(
            d.files[0].display,
            format!("{}/000_x.txt", display_of(&seeds))
        );
        assert_eq!(d.skipped.len(), 2);
        assert_eq!(d.skipped[0].reason, "unknown extension .md");
        assert!(d.skipped[1].reason.starts_with("listed twice"));
    }

    #[test]
    fn missing_path_is_an_error() {
        let d = discover(&[PathBuf::from("/nonexistent/scour/input")], &settings());
        assert!(d.files.is_empty());
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].kind, InputErrorKind::Unreadable);
        assert_eq!(d.errors[0].path, "/nonexistent/scour/input");
    }

    #[test]
    fn real_seeds_folder() {
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let d = discover(std::slice::from_ref(&seeds), &settings());
        assert!(!d.files.is_empty());
        assert!(d.files.iter().all(|f| f.format == Format::Txt));
        let names: Vec<&str> = d.files.iter().map(|f| f.display.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(names[0].starts_with(&format!("{}/000_", display_of(&seeds))));
    }

    #[test]
    fn classify_extensions() {
        let s = settings();
        assert_eq!(
            classify("A.WARC.GZ", &s),
            Ok((Format::Warc, SourceCompression::Gzip))
        );
        assert_eq!(
            classify("x.ndjson.zstd", &s),
            Ok((Format::Jsonl, SourceCompression::Zstd))
        );
        assert_eq!(
            classify("x.gz", &s),
            Err("no format extension before .gz".into())
        );
        assert_eq!(
            classify("archive.tar.gz", &s),
            Err("unknown extension .tar".into())
        );
    }
}
