//! Streaming the inputs: a reader thread hands files, JSONL chunks and WARC windows over in
//! bounded batches, and the workers process each batch in parallel, in input order.

use super::*;
use std::sync::Mutex;

/// Inputs are handed from the reader thread to the workers in batches of about this many bytes:
/// enough to keep every core busy, small enough that memory stays flat.
pub(super) const BATCH_BYTES: usize = 16 << 20;
/// JSONL files are cut into chunks of this size (whole lines).
pub(super) const CHUNK_BYTES: usize = 4 << 20;
/// A piece's documents are processed in groups of consecutive documents of about this many
/// bytes of text, each group on one worker into one accumulator: what the consumer gets is a
/// few buffers a group instead of a handful of allocations a document, all of which the
/// consumer's thread used to free. Those frees took the workers' malloc arena locks and put
/// both threads to sleep thousands of times a second.
pub(super) const GROUP_BYTES: usize = 256 << 10;
/// WARC files are read in windows of about this many stored bytes, and of decoded bytes
/// (whole gzip members or records; a window grows for one larger than this).
pub(super) const WARC_WINDOW_BYTES: usize = 32 << 20;

/// Consecutive items, by their sizes in bytes, cut into groups of about [`GROUP_BYTES`]: a
/// group ends once it holds that many. The ranges of the items' indices, in order.
pub(super) fn group_ranges(sizes: impl IntoIterator<Item = usize>) -> Vec<std::ops::Range<usize>> {
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut size = 0usize;
    for (k, n) in sizes.into_iter().enumerate() {
        match groups.last_mut() {
            Some(g) if size < GROUP_BYTES => g.end = k + 1,
            _ => {
                groups.push(k..k + 1);
                size = 0;
            }
        }
        size += n;
    }
    groups
}

/// What the workers accumulate a group of documents into. Once the consumer is done with one,
/// it is emptied and handed back to the workers ([`Spare`]), so its buffers are allocated once,
/// not once a group: fresh buffers cost page faults, and freeing them on the consumer's thread
/// took the workers' malloc locks.
pub trait Accumulator: Default + Send {
    /// Empty it for reuse; returns the bytes its buffers still hold.
    fn empty(&mut self) -> usize;
}

impl Accumulator for Vec<u8> {
    fn empty(&mut self) -> usize {
        self.clear();
        self.capacity()
    }
}

/// Emptied accumulators kept for reuse, within a budget of bytes held: one that holds more
/// than `KEEP_BYTES` (one huge document) is freed, and so is any past `SPARE_BYTES` in all.
/// Without the budget, a run over many small files (one group each, thousands in flight)
/// kept every group ever made, each as large as the largest document it had held: peak RSS
/// on the raw Debian documentation went 784 -> 1,248 MB (871 MB with it; 856 MB at half the
/// budget, which on the 1 GB generated JSONL made the frees and their lock waits come back:
/// 2 threads keep about four batches' worth of groups in flight).
pub(super) struct Spare<T> {
    held: Mutex<(Vec<(T, usize)>, usize)>,
}

pub(super) const KEEP_BYTES: usize = 4 << 20;
pub(super) const SPARE_BYTES: usize = 4 * BATCH_BYTES;

impl<T: Accumulator> Spare<T> {
    pub(super) fn new() -> Spare<T> {
        Spare {
            held: Mutex::new((Vec::new(), 0)),
        }
    }

    pub(super) fn take(&self) -> T {
        let Ok(mut held) = self.held.lock() else {
            return T::default();
        };
        match held.0.pop() {
            Some((t, bytes)) => {
                held.1 -= bytes;
                t
            }
            None => T::default(),
        }
    }

    pub(super) fn put(&self, mut t: T) {
        let bytes = t.empty();
        if bytes > KEEP_BYTES {
            return;
        }
        if let Ok(mut held) = self.held.lock()
            && held.1 + bytes <= SPARE_BYTES
        {
            held.1 += bytes;
            held.0.push((t, bytes));
        }
    }
}

/// Work the reader thread hands to the workers.
pub(super) enum Piece {
    /// A file read whole (txt, html), still as stored.
    Whole { file: usize, stored: Vec<u8> },
    /// Whole lines of a streamed JSONL file.
    Chunk { file: usize, chunk: JsonlChunk },
    /// Records of a streamed WARC file.
    Warc { file: usize, window: WarcWindow },
    /// A record lost before parsing (unreadable file, truncated stream, over-long line).
    Error { file: usize, error: InputError },
    /// A streamed file is finished.
    Done { file: usize, totals: StreamTotals },
}

impl Piece {
    fn weight(&self) -> usize {
        match self {
            Piece::Whole { stored, .. } => stored.len(),
            Piece::Chunk { chunk, .. } => chunk.data.len(),
            Piece::Warc { window, .. } => window.len(),
            _ => 0,
        }
    }
}

/// The workers' result for one piece, in input order.
pub struct PieceOut<G> {
    pub file: usize,
    /// Documents read from the piece.
    pub docs: u64,
    /// Their processed forms, accumulated by groups of consecutive documents, in order.
    pub groups: Vec<G>,
    pub errors: Vec<InputError>,
    /// For files read whole, and streams when finished: sizes and hash for the manifest.
    pub totals: Option<StreamTotals>,
    pub warc_skipped: u64,
}

/// Reads files in order on its own thread, so I/O and decompression overlap the processing.
pub(super) fn read_inputs(
    files: &[InputFile],
    settings: &InputSettings,
    tx: SyncSender<Vec<Piece>>,
) {
    let mut batch: Vec<Piece> = Vec::new();
    let mut weight = 0usize;
    let push = |piece: Piece, batch: &mut Vec<Piece>, weight: &mut usize| -> bool {
        *weight += piece.weight();
        batch.push(piece);
        if *weight >= BATCH_BYTES {
            *weight = 0;
            return tx.send(std::mem::take(batch)).is_ok();
        }
        true
    };
    let piece = |i: usize, item: StreamItem| match item {
        StreamItem::Chunk(chunk) => Piece::Chunk { file: i, chunk },
        StreamItem::Warc(window) => Piece::Warc { file: i, window },
        StreamItem::Error(error) => Piece::Error { file: i, error },
    };
    for (i, f) in files.iter().enumerate() {
        let alive = if f.format == Format::Jsonl {
            let mut stream = JsonlStream::open(f, settings, CHUNK_BYTES);
            let alive = stream
                .by_ref()
                .all(|item| push(piece(i, item), &mut batch, &mut weight));
            let totals = stream.totals();
            alive && push(Piece::Done { file: i, totals }, &mut batch, &mut weight)
        } else if f.format == Format::Warc {
            let mut stream = WarcStream::open(f, settings, WARC_WINDOW_BYTES);
            let alive = stream
                .by_ref()
                .all(|item| push(piece(i, item), &mut batch, &mut weight));
            let totals = stream.totals();
            alive && push(Piece::Done { file: i, totals }, &mut batch, &mut weight)
        } else {
            // An uncompressed txt or html file over the record limit is refused unread, so a
            // stray multi-gigabyte file cannot take the memory with it.
            let too_large = matches!(f.format, Format::Txt | Format::Html)
                && f.compression == SourceCompression::None
                && f.size > settings.max_record_bytes;
            let piece = if too_large {
                Piece::Error {
                    file: i,
                    error: InputError::new(
                        &f.display,
                        source::InputErrorKind::TooLarge,
                        format!(
                            "file of {} bytes is larger than max_record_bytes ({})",
                            f.size, settings.max_record_bytes
                        ),
                    )
                    .at_byte(0),
                }
            } else {
                match std::fs::read(&f.path) {
                    Ok(stored) => Piece::Whole { file: i, stored },
                    Err(e) => Piece::Error {
                        file: i,
                        error: InputError::new(
                            &f.display,
                            source::InputErrorKind::Unreadable,
                            format!("cannot read file: {e}"),
                        ),
                    },
                }
            };
            push(piece, &mut batch, &mut weight)
        };
        if !alive {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

/// Read and process every input in bounded batches. `add` puts each processed document into
/// its group's accumulator (groups run in parallel, the documents of one in order); `each`
/// gets the pieces in input order and returns false to stop reading.
pub fn process_inputs<G: Accumulator>(
    files: &[InputFile],
    settings: &Settings,
    stages: &Stages,
    add: impl Fn(&mut G, Processed) + Sync,
    mut each: impl FnMut(&mut PieceOut<G>) -> bool + Send,
) {
    let spare: Spare<G> = Spare::new();
    let mut hand = |mut out: PieceOut<G>| -> bool {
        let go_on = each(&mut out);
        for g in out.groups {
            spare.put(g);
        }
        go_on
    };
    let (tx, rx) = sync_channel::<Vec<Piece>>(2);
    std::thread::scope(|scope| {
        scope.spawn(|| read_inputs(files, &settings.input, tx));
        // Documents of a piece are processed in parallel too (one JSONL chunk holds
        // thousands), by groups.
        let finish = |file: usize, read: source::FileRead, totals: Option<StreamTotals>| {
            let docs = read.docs.len() as u64;
            let ranges = group_ranges(read.docs.iter().map(|d| d.text.len()));
            let mut rest = read.docs.into_iter();
            let groups: Vec<Vec<RawDoc>> = ranges
                .iter()
                .map(|r| rest.by_ref().take(r.len()).collect())
                .collect();
            PieceOut {
                file,
                docs,
                groups: groups
                    .into_par_iter()
                    .map(|group| {
                        let mut acc = spare.take();
                        for d in group {
                            add(&mut acc, stages.process(d));
                        }
                        acc
                    })
                    .collect(),
                errors: read.errors,
                totals,
                warc_skipped: read.warc_skipped,
            }
        };
        let process = |batch: Vec<Piece>| -> Vec<PieceOut<G>> {
            batch
                .into_par_iter()
                .map(|piece| match piece {
                    Piece::Whole { file, stored } => {
                        let read = source::read_stored(&files[file], &stored, &settings.input);
                        drop(stored);
                        let totals = StreamTotals {
                            bytes: read.bytes,
                            decompressed_bytes: read.decompressed_bytes,
                            blake3: read.blake3.clone(),
                        };
                        finish(file, read, Some(totals))
                    }
                    Piece::Chunk { file, chunk } => {
                        let read = chunk.parse(&files[file], &settings.input);
                        drop(chunk);
                        finish(file, read, None)
                    }
                    Piece::Warc { file, window } => {
                        let read = window.parse(&files[file], &settings.input);
                        drop(window);
                        finish(file, read, None)
                    }
                    Piece::Error { file, error } => PieceOut {
                        file,
                        docs: 0,
                        groups: Vec::new(),
                        errors: vec![error],
                        totals: None,
                        warc_skipped: 0,
                    },
                    Piece::Done { file, totals } => PieceOut {
                        file,
                        docs: 0,
                        groups: Vec::new(),
                        errors: Vec::new(),
                        totals: Some(totals),
                        warc_skipped: 0,
                    },
                })
                .collect()
        };
        // While the workers process one batch, this thread hands the one before to `each`
        // (staging, counting): that serial part no longer leaves the other cores idle.
        let mut pending: Option<Vec<PieceOut<G>>> = None;
        for batch in rx {
            let (go_on, outs) = rayon::join(
                || pending.take().is_none_or(|p| p.into_iter().all(&mut hand)),
                || process(batch),
            );
            // `each` says stop (its output is gone): dropping the receiver stops the reader.
            if !go_on {
                return;
            }
            pending = Some(outs);
        }
        if let Some(p) = pending {
            p.into_iter().all(&mut hand);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(spare: &Spare<Vec<u8>>) -> (usize, usize) {
        let h = spare.held.lock().unwrap();
        (h.0.len(), h.1)
    }

    #[test]
    fn groups_end_once_they_hold_group_bytes() {
        assert!(group_ranges([]).is_empty());
        let g = GROUP_BYTES;
        // Small items share a group until it holds GROUP_BYTES; a large one closes its own.
        assert_eq!(
            group_ranges([g / 2, g / 2, 1, 3 * g, 1]),
            vec![0..2, 2..4, 4..5]
        );
        assert_eq!(group_ranges([g, g, 0]), vec![0..1, 1..2, 2..3]);
    }

    #[test]
    fn spare_buffers_stay_within_their_budget() {
        let spare: Spare<Vec<u8>> = Spare::new();
        // A buffer is kept emptied, with its capacity, and handed out again.
        let mut b = spare.take();
        b.extend_from_slice(b"record\n");
        let cap = b.capacity();
        spare.put(b);
        assert_eq!(held(&spare), (1, cap));
        let b = spare.take();
        assert!(b.is_empty() && b.capacity() == cap);
        assert_eq!(held(&spare), (0, 0));
        // One that grew past KEEP_BYTES (a huge document) is freed.
        spare.put(Vec::with_capacity(KEEP_BYTES + 1));
        assert_eq!(held(&spare), (0, 0));
        // Past SPARE_BYTES in all, the rest are freed.
        for _ in 0..SPARE_BYTES / KEEP_BYTES + 3 {
            spare.put(Vec::with_capacity(KEEP_BYTES));
        }
        assert_eq!(held(&spare), (SPARE_BYTES / KEEP_BYTES, SPARE_BYTES));
        // Taking from an empty pool makes a new one.
        let empty: Spare<Vec<u8>> = Spare::new();
        assert_eq!(empty.take().capacity(), 0);
    }
}
