//! A Parquet reader for flat columns, written for Attest's needs: one
//! top-level column at a time, straight into [`Column`]s (numbers,
//! booleans, or dictionary codes for text), reading only that column's
//! chunks. It replaces the `parquet` crate's Arrow reader, whose generic
//! cast and selection kernels made up most of the browser bundle (see
//! DESIGN.md "Reading Parquet").
//!
//! Supported: every physical type; PLAIN, dictionary (PLAIN_DICTIONARY /
//! RLE_DICTIONARY), RLE (booleans), DELTA_BINARY_PACKED,
//! DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT
//! encodings; data pages v1 and v2; uncompressed, Snappy, gzip, Brotli,
//! LZ4 (Hadoop framing and raw), LZ4_RAW and Zstandard. A top-level list
//! of floats or doubles (`list<double>`, `large_list`, nulls at both
//! levels; `list.rs`) is decoded on request ([`ParquetFile::read_float_lists`],
//! for class probabilities); other nested and repeated columns are listed
//! with an `unsupported` type and not decoded. Encrypted files and LZO are
//! refused with a message.

mod encoding;
mod list;
mod meta;
mod thrift;

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use bytes::Bytes;

use crate::columns::{Column, ColumnType, Values, MISSING};
use crate::source::ByteSource;
use encoding::{ByteValues, Raw};
pub use meta::Physical;
use meta::{FileMeta, Leaf};

/// Column chunks up to this size are read in one request before decoding;
/// larger ones page by page.
const PREFETCH_MAX: u64 = 64 << 20;
/// Consecutive row groups' chunks of a column are fetched together, in one
/// [`ByteSource::read_ranges`], up to this many bytes at a time (a few
/// requests a column instead of one a row group; memory stays bounded).
const BATCH_MAX: u64 = 16 << 20;
/// First guess at a page header's size (grown when too small).
const HEADER_WINDOW: usize = 4 << 10;
/// Largest page header accepted (statistics of long strings make big ones).
const HEADER_MAX: usize = 64 << 20;

/// An open Parquet file: its footer.
#[derive(Debug, Clone)]
pub struct ParquetFile {
    meta: FileMeta,
    /// Column chunks up to this size are read whole ([`PREFETCH_MAX`];
    /// tests lower it to exercise the page-by-page path).
    prefetch_max: u64,
    /// Chunks fetched together up to this many bytes ([`BATCH_MAX`]; tests
    /// lower it).
    batch_max: u64,
}

/// A column name and its type, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    pub ty: ColumnType,
}

fn io(e: std::io::Error) -> String {
    e.to_string()
}

impl ParquetFile {
    /// Read and parse the footer.
    pub fn open(source: &dyn ByteSource) -> Result<Self, String> {
        let len = source.len();
        if len < 12 {
            return Err(format!("{len} bytes is too short for a Parquet file"));
        }
        let tail = source.read_range(len - 8, 8).map_err(io)?;
        let tail: [u8; 8] = tail[..]
            .try_into()
            .map_err(|_| "the file ends early (truncated?)".to_string())?;
        match &tail[4..] {
            b"PAR1" => {}
            b"PARE" => return Err("the file is encrypted; Attest reads unencrypted Parquet".into()),
            _ => return Err("no `PAR1` at the end of the file (truncated or not Parquet)".into()),
        }
        let meta_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
        if meta_len > len - 12 {
            return Err(format!(
                "the footer claims {meta_len} bytes but the file has {len} (truncated?)"
            ));
        }
        let bytes = source
            .read_range(len - 8 - meta_len, meta_len as usize)
            .map_err(io)?;
        if bytes.len() as u64 != meta_len {
            return Err("the footer ends early (truncated?)".into());
        }
        let meta = meta::parse(&bytes)?;
        if meta.rows < 0 {
            return Err(format!("invalid row count {}", meta.rows));
        }
        let sum = meta.row_groups.iter().try_fold(0i64, |acc, g| {
            acc.checked_add(g.rows).filter(|_| g.rows >= 0)
        });
        if sum != Some(meta.rows) {
            return Err(format!(
                "the footer says {} rows but its row groups disagree (corrupt footer?)",
                meta.rows
            ));
        }
        Ok(Self {
            meta,
            prefetch_max: PREFETCH_MAX,
            batch_max: BATCH_MAX,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> u64 {
        self.meta.rows as u64
    }

    /// The top-level columns.
    pub fn columns(&self) -> Vec<ColumnInfo> {
        self.meta
            .columns
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                ty: c.ty.clone(),
            })
            .collect()
    }

    /// Decode top-level column `index` across all row groups, calling
    /// `rows_read` with the rows decoded so far after each page.
    ///
    /// Memory follows what is decoded, not what the footer or a page header
    /// claims: values are reserved page by page, and a page whose values
    /// would take the column past `max_bytes` (values, null flags, distinct
    /// texts) is an error before it is decoded.
    pub fn read_column(
        &self,
        source: &Arc<dyn ByteSource>,
        index: usize,
        rows_read: &mut dyn FnMut(usize),
        max_bytes: u64,
    ) -> Result<Column, String> {
        let top = self.meta.columns.get(index).ok_or("no such column")?;
        let Some(leaf) = &top.leaf else {
            return Err(format!("{} columns are not supported", top.ty));
        };
        let rows = usize::try_from(self.meta.rows).map_err(|_| "too many rows")?;
        let mut sink = Sink::new(leaf, usize::try_from(max_bytes).unwrap_or(usize::MAX));
        // Native builds make room for the whole column at its first data
        // page; in wasm32 that raised the workers' peak memory (W3: 1833 +
        // 1897 → 1950 + 1921 MB, the same time), so there room is made a
        // row group at a time, as before.
        if cfg!(not(target_arch = "wasm32")) {
            sink.column_rows = rows;
        }
        let mut fetched = Fetched::new();
        for g in 0..self.meta.row_groups.len() {
            self.read_group(source, g, leaf, &mut fetched, &mut sink, rows_read)?;
        }
        if sink.rows() != rows {
            return Err(format!(
                "decoded {} values but the footer says {rows} rows",
                sink.rows()
            ));
        }
        Ok(sink.finish())
    }
}

impl ParquetFile {
    /// Decode row group `g`'s chunk of `leaf` into the sink.
    fn read_group(
        &self,
        source: &Arc<dyn ByteSource>,
        g: usize,
        leaf: &Leaf,
        fetched: &mut Fetched,
        sink: &mut Sink,
        rows_read: &mut dyn FnMut(usize),
    ) -> Result<(), String> {
        let (data, codec, group_rows) = self.chunk_batched(source, g, leaf.leaf, fetched)?;
        read_chunk(&data, codec, leaf, group_rows, sink, rows_read)
            .map_err(|m| format!("row group {g}: {m}"))
    }
}

/// Chunks of one column fetched ahead by [`ParquetFile::chunk_batched`]:
/// (row group index, bytes), taken as they are decoded.
type Fetched = std::collections::VecDeque<(usize, Bytes)>;

impl ParquetFile {
    /// Row group `g`'s chunk of leaf `leaf`, as [`chunk`](Self::chunk), but
    /// fetched together with the next row groups' chunks of the leaf (up to
    /// `batch_max` bytes, each at most `prefetch_max`) in one request;
    /// the others wait in `fetched` for their turn.
    fn chunk_batched<'a>(
        &self,
        source: &'a Arc<dyn ByteSource>,
        g: usize,
        leaf: usize,
        fetched: &mut Fetched,
    ) -> Result<(ChunkData<'a>, i32, usize), String> {
        let groups = &self.meta.row_groups;
        let group = groups.get(g).ok_or("no such row group")?;
        let info = |g: usize| {
            groups
                .get(g)
                .and_then(|r| r.chunks.get(leaf).copied().flatten())
        };
        let whole = |c: &meta::Chunk| {
            c.len <= self.prefetch_max
                && c.start
                    .checked_add(c.len)
                    .is_some_and(|e| e <= source.len())
        };
        if fetched.front().map(|(i, _)| *i) != Some(g) {
            fetched.clear();
            // This chunk and the next ones that are read whole, within the batch.
            let mut ranges = Vec::new();
            let mut total = 0u64;
            let mut next = g;
            while let Some(c) = info(next).filter(whole) {
                if !ranges.is_empty() && total + c.len > self.batch_max {
                    break;
                }
                total += c.len;
                ranges.push((next, c.start, c.len as usize));
                next += 1;
            }
            if ranges.len() > 1 {
                let asked: Vec<(u64, usize)> = ranges.iter().map(|r| (r.1, r.2)).collect();
                let got = crate::timing::time("read", "column chunk bytes", || {
                    source.read_ranges(&asked)
                })
                .map_err(io)?;
                for ((i, _, len), bytes) in ranges.into_iter().zip(got) {
                    if bytes.len() < len {
                        return Err("the column chunk ends early (truncated file?)".into());
                    }
                    fetched.push_back((i, bytes));
                }
            }
        }
        match fetched.front() {
            Some((i, _)) if *i == g => {
                let (_, bytes) = fetched.pop_front().ok_or("no chunk")?;
                let chunk = info(g).ok_or("no chunk")?;
                let rows = usize::try_from(group.rows).map_err(|_| "bad row count")?;
                Ok((ChunkData::Whole(bytes), chunk.codec, rows))
            }
            _ => self.chunk(source, g, group, leaf),
        }
    }

    /// Row group `g`'s chunk of leaf `leaf`: its bytes, codec and rows.
    fn chunk<'a>(
        &self,
        source: &'a Arc<dyn ByteSource>,
        g: usize,
        group: &meta::RowGroup,
        leaf: usize,
    ) -> Result<(ChunkData<'a>, i32, usize), String> {
        let chunk = group.chunks.get(leaf).copied().flatten().ok_or_else(|| {
            format!("row group {g}: the column chunk is missing or in another file")
        })?;
        let rows = usize::try_from(group.rows).map_err(|_| "bad row count")?;
        let data = ChunkData::fetch(source, chunk.start, chunk.len, self.prefetch_max)?;
        Ok((data, chunk.codec, rows))
    }

    /// Decode top-level column `index`, a list of floats
    /// ([`ColumnType::FloatList`]), across all row groups, within
    /// `max_bytes` as [`read_column`](Self::read_column).
    pub fn read_float_lists(
        &self,
        source: &Arc<dyn ByteSource>,
        index: usize,
        rows_read: &mut dyn FnMut(usize),
        max_bytes: u64,
    ) -> Result<crate::columns::FloatLists, String> {
        let top = self.meta.columns.get(index).ok_or("no such column")?;
        let Some(list) = &top.list else {
            return Err(format!("a {} column is not a list of floats", top.ty));
        };
        let rows = usize::try_from(self.meta.rows).map_err(|_| "too many rows")?;
        let mut sink = list::ListSink::new(usize::try_from(max_bytes).unwrap_or(usize::MAX));
        for (g, group) in self.meta.row_groups.iter().enumerate() {
            let (data, codec, group_rows) = self.chunk(source, g, group, list.leaf)?;
            list::read_list_chunk(&data, codec, list, group_rows, &mut sink, rows_read)
                .map_err(|m| format!("row group {g}: {m}"))?;
        }
        if sink.rows() != rows {
            return Err(format!(
                "decoded {} lists but the footer says {rows} rows",
                sink.rows()
            ));
        }
        Ok(sink.finish())
    }
}

/// A column chunk's bytes: all of it in memory, or read page by page.
enum ChunkData<'a> {
    Whole(Bytes),
    Streamed {
        source: &'a Arc<dyn ByteSource>,
        start: u64,
        len: u64,
    },
}

impl<'a> ChunkData<'a> {
    fn fetch(
        source: &'a Arc<dyn ByteSource>,
        start: u64,
        len: u64,
        prefetch_max: u64,
    ) -> Result<Self, String> {
        let end = start.checked_add(len).filter(|e| *e <= source.len());
        if end.is_none() {
            return Err(format!(
                "a column chunk at {start}+{len} lies past the end of the file ({} bytes; truncated?)",
                source.len()
            ));
        }
        if len <= prefetch_max {
            let bytes = crate::timing::time("read", "column chunk bytes", || {
                source.read_range(start, len as usize)
            })
            .map_err(io)?;
            if (bytes.len() as u64) < len {
                return Err("the column chunk ends early (truncated file?)".into());
            }
            Ok(ChunkData::Whole(bytes))
        } else {
            Ok(ChunkData::Streamed { source, start, len })
        }
    }

    fn len(&self) -> u64 {
        match self {
            ChunkData::Whole(bytes) => bytes.len() as u64,
            ChunkData::Streamed { len, .. } => *len,
        }
    }

    /// Up to `len` bytes at `offset` within the chunk (fewer at its end).
    fn get(&self, offset: u64, len: usize) -> Result<Bytes, String> {
        let len = len.min(self.len().saturating_sub(offset) as usize);
        match self {
            ChunkData::Whole(bytes) => {
                let from = (offset as usize).min(bytes.len());
                Ok(bytes.slice(from..from + len))
            }
            ChunkData::Streamed { source, start, .. } => {
                source.read_range(start + offset, len).map_err(io)
            }
        }
    }
}

#[derive(Debug, Default)]
struct PageHeader {
    kind: i32,
    uncompressed: i32,
    compressed: i32,
    num_values: i32,
    encoding: i32,
    def_encoding: i32,
    // v2
    v2: bool,
    def_len: i32,
    rep_len: i32,
    is_compressed: bool,
}

fn page_header(r: &mut thrift::Reader<'_>) -> thrift::TResult<PageHeader> {
    let mut h = PageHeader {
        is_compressed: true,
        def_encoding: 3,
        ..PageHeader::default()
    };
    r.read_struct(|r, f| {
        match (f.id, f.kind) {
            (1, thrift::I32) => h.kind = r.i32()?,
            (2, thrift::I32) => h.uncompressed = r.i32()?,
            (3, thrift::I32) => h.compressed = r.i32()?,
            (5, thrift::STRUCT) => r.read_struct(|r, f| {
                match (f.id, f.kind) {
                    (1, thrift::I32) => h.num_values = r.i32()?,
                    (2, thrift::I32) => h.encoding = r.i32()?,
                    (3, thrift::I32) => h.def_encoding = r.i32()?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?,
            (7, thrift::STRUCT) => r.read_struct(|r, f| {
                match (f.id, f.kind) {
                    (1, thrift::I32) => h.num_values = r.i32()?,
                    (2, thrift::I32) => h.encoding = r.i32()?,
                    _ => return Ok(false),
                }
                Ok(true)
            })?,
            (8, thrift::STRUCT) => {
                h.v2 = true;
                r.read_struct(|r, f| {
                    match (f.id, f.kind) {
                        (1, thrift::I32) => h.num_values = r.i32()?,
                        (4, thrift::I32) => h.encoding = r.i32()?,
                        (5, thrift::I32) => h.def_len = r.i32()?,
                        (6, thrift::I32) => h.rep_len = r.i32()?,
                        (7, _) => h.is_compressed = r.bool_field(f)?,
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(h)
}

/// Read the page header at `pos`: returns it and its size in bytes.
fn read_header(data: &ChunkData<'_>, pos: u64) -> Result<(PageHeader, usize), String> {
    let mut window = HEADER_WINDOW;
    loop {
        let bytes = data.get(pos, window)?;
        let mut r = thrift::Reader::new(&bytes);
        match page_header(&mut r) {
            Ok(h) => return Ok((h, r.position())),
            Err(thrift::ThriftError::Eof) if bytes.len() == window && window < HEADER_MAX => {
                window *= 4;
            }
            Err(e) => return Err(format!("page header at chunk offset {pos}: {e}")),
        }
    }
}

/// The page at `pos`: its header, its (still compressed) body and where
/// the next page starts.
fn read_page(data: &ChunkData<'_>, pos: u64) -> Result<(PageHeader, Bytes, u64), String> {
    let (h, header_len) = read_header(data, pos)?;
    let compressed = size(h.compressed, "page size")?;
    let body_at = pos + header_len as u64;
    let body = data.get(body_at, compressed)?;
    if body.len() < compressed {
        return Err("a page ends past its column chunk (truncated file?)".into());
    }
    Ok((h, body, body_at + compressed as u64))
}

/// A data page's repetition and definition levels (`rep_width`,
/// `def_width` bits; 0 for levels the column does not have, which come
/// back empty) and its value bytes. Page v2 stores the levels uncompressed
/// before the (maybe compressed) values; v1 compresses the whole page,
/// each kind of levels an RLE/bit-packed run behind its 4-byte length.
fn page_levels(
    h: &PageHeader,
    body: Bytes,
    codec: i32,
    uncompressed: usize,
    n: usize,
    rep_width: u32,
    def_width: u32,
) -> Result<(Vec<u32>, Vec<u32>, Bytes), String> {
    let (mut reps, mut defs) = (Vec::new(), Vec::new());
    let kinds = [
        (&mut reps, rep_width, "repetition levels"),
        (&mut defs, def_width, "definition levels"),
    ];
    if h.v2 {
        let rep = size(h.rep_len, "level size")?;
        let def = size(h.def_len, "level size")?;
        let levels = rep
            .checked_add(def)
            .filter(|l| *l <= body.len())
            .ok_or("the page's level sizes exceed the page")?;
        for ((out, width, what), range) in kinds.into_iter().zip([0..rep, rep..levels]) {
            if width > 0 {
                encoding::rle_hybrid(&body[range], width, n, out)
                    .map_err(|m| format!("{what}: {m}"))?;
            }
        }
        let rest = body.slice(levels..);
        let values = if h.is_compressed && codec != 0 {
            decompress(codec, rest, uncompressed.saturating_sub(levels))?
        } else {
            rest
        };
        return Ok((reps, defs, values));
    }
    let page = decompress(codec, body, uncompressed)?;
    if rep_width + def_width == 0 {
        return Ok((reps, defs, page));
    }
    if h.def_encoding != 3 {
        return Err(format!(
            "definition levels in {} are not supported",
            encoding::encoding_name(h.def_encoding)
        ));
    }
    let mut at = 0usize;
    for (out, width, what) in kinds {
        if width == 0 {
            continue;
        }
        let len = page
            .get(at..at.saturating_add(4))
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| format!("the page ends before its {what}"))?;
        let levels = page
            .get(at + 4..(at + 4).saturating_add(len))
            .ok_or_else(|| format!("the {what} exceed the page"))?;
        encoding::rle_hybrid(levels, width, n, out).map_err(|m| format!("{what}: {m}"))?;
        at += 4 + len;
    }
    Ok((reps, defs, page.slice(at..)))
}

/// The `present` dictionary indices of a dictionary-encoded page's values
/// (a bit-width byte, then an RLE/bit-packed run).
fn dictionary_indices(values: &[u8], present: usize) -> Result<Vec<u32>, String> {
    let width = u32::from(*values.first().unwrap_or(&0));
    let mut idx = Vec::new();
    if present > 0 {
        encoding::rle_hybrid(
            values.get(1..).unwrap_or_default(),
            width,
            present,
            &mut idx,
        )
        .map_err(|m| format!("dictionary indices: {m}"))?;
    }
    Ok(idx)
}

fn size(v: i32, what: &str) -> Result<usize, String> {
    usize::try_from(v).map_err(|_| format!("negative {what} {v}"))
}

/// A buffer of `n` bytes, or an error when memory cannot hold it.
fn buffer(n: usize) -> Result<Vec<u8>, String> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| format!("a page of {n} bytes does not fit in memory"))?;
    Ok(v)
}

fn read_to(reader: impl Read, n: usize, codec: &str) -> Result<Vec<u8>, String> {
    let mut out = buffer(n)?;
    reader
        .take(n as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{codec}: {e}"))?;
    Ok(out)
}

/// Decompress a page body of `codec` (parquet.thrift `CompressionCodec`).
fn decompress(codec: i32, input: Bytes, n: usize) -> Result<Bytes, String> {
    crate::timing::time("read", "decompress", || decompress_timed(codec, input, n))
}

fn decompress_timed(codec: i32, input: Bytes, n: usize) -> Result<Bytes, String> {
    let out = match codec {
        0 => {
            if input.len() != n {
                return Err(format!(
                    "an uncompressed page of {} bytes, its header says {n}",
                    input.len()
                ));
            }
            return Ok(input);
        }
        1 => {
            let mut out = buffer(n)?;
            out.resize(n, 0);
            let got = snap::raw::Decoder::new()
                .decompress(&input, &mut out)
                .map_err(|e| format!("snappy: {e}"))?;
            out.truncate(got);
            out
        }
        2 => read_to(flate2::read::MultiGzDecoder::new(&input[..]), n, "gzip")?,
        3 => return Err("LZO compression is not supported".into()),
        4 => read_to(
            brotli_decompressor::Decompressor::new(&input[..], 4096),
            n,
            "brotli",
        )?,
        5 => lz4_hadoop(&input, n)?,
        6 => {
            let mut out = buffer(n)?;
            out.resize(n, 0);
            let got = zstd_safe::decompress(&mut out[..], &input[..])
                .map_err(|c| format!("zstd: {}", zstd_safe::get_error_name(c)))?;
            out.truncate(got);
            out
        }
        7 => lz4_block(&input, n)?,
        c => return Err(format!("unknown compression codec {c}")),
    };
    if out.len() != n {
        return Err(format!(
            "the page decompressed to {} bytes, its header says {n}",
            out.len()
        ));
    }
    Ok(Bytes::from(out))
}

fn lz4_block(input: &[u8], n: usize) -> Result<Vec<u8>, String> {
    let mut out = buffer(n)?;
    out.resize(n, 0);
    let got = lz4_flex::block::decompress_into(input, &mut out).map_err(|e| format!("lz4: {e}"))?;
    out.truncate(got);
    Ok(out)
}

/// The deprecated LZ4 codec: Hadoop's framing (big-endian decompressed and
/// compressed sizes before each block), or else a bare LZ4 block.
fn lz4_hadoop(input: &[u8], n: usize) -> Result<Vec<u8>, String> {
    let hadoop = || -> Option<Vec<u8>> {
        let mut out = buffer(n).ok()?;
        let mut rest = input;
        while !rest.is_empty() {
            let dec = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
            let comp = u32::from_be_bytes(rest.get(4..8)?.try_into().ok()?) as usize;
            let block = rest.get(8..8usize.checked_add(comp)?)?;
            let at = out.len();
            if at.checked_add(dec)? > n {
                return None;
            }
            out.resize(at + dec, 0);
            let got = lz4_flex::block::decompress_into(block, &mut out[at..]).ok()?;
            if got != dec {
                return None;
            }
            rest = &rest[8 + comp..];
        }
        (out.len() == n).then_some(out)
    };
    match hadoop() {
        Some(out) => Ok(out),
        None => lz4_block(input, n),
    }
}

/// Decode one column chunk into the sink.
fn read_chunk(
    data: &ChunkData<'_>,
    codec: i32,
    leaf: &Leaf,
    rows: usize,
    sink: &mut Sink,
    rows_read: &mut dyn FnMut(usize),
) -> Result<(), String> {
    let target = sink.rows() + rows;
    let mut reserved = false;
    let mut dict: Option<Conv> = None;
    let mut pos = 0u64;
    while sink.rows() < target {
        if pos >= data.len() {
            return Err(format!(
                "the column chunk ends after {} of {rows} rows",
                rows - (target - sink.rows())
            ));
        }
        let (h, body, next) = read_page(data, pos)?;
        let uncompressed = size(h.uncompressed, "page size")?;
        pos = next;
        match h.kind {
            2 => {
                // dictionary page
                let page = decompress(codec, body, uncompressed)?;
                let n = size(h.num_values, "value count")?;
                let (raw, _) = encoding::plain(&page, leaf.physical, n)
                    .map_err(|m| format!("dictionary page: {m}"))?;
                dict = Some(sink.convert(raw)?);
            }
            0 | 3 => {
                let n = size(h.num_values, "value count")?;
                if n > target - sink.rows() {
                    return Err(format!(
                        "a page holds {n} values, more than the row group's rows left"
                    ));
                }
                // Once a page shows the chunk holds data: room for the rest
                // of the column's values at once (one buffer, not a
                // reallocation and a copy of every value before at each row
                // group), else for the row group's, within the decode
                // limit; then this page's values and levels, before they
                // are decoded.
                if !reserved {
                    let group = target - sink.rows();
                    let column = sink.column_rows.saturating_sub(sink.rows());
                    if !sink.reserve_rows(column.max(group))? {
                        sink.reserve_rows(group)?;
                    }
                    reserved = true;
                }
                sink.admit(n)?;
                let def_width = u32::from(leaf.optional);
                let (_, defs, values) =
                    page_levels(&h, body, codec, uncompressed, n, 0, def_width)?;
                let defs = leaf.optional.then_some(defs);
                let present = match &defs {
                    Some(d) => d.iter().filter(|&&l| l == 1).count(),
                    None => n,
                };
                let conv = match h.encoding {
                    2 | 8 => {
                        let dict = dict
                            .as_ref()
                            .ok_or("a dictionary-encoded page without a dictionary page")?;
                        dict.gather(&dictionary_indices(&values, present)?)?
                    }
                    e => {
                        // Texts decoded from a page are held twice until
                        // interned (the page's values, the distinct texts).
                        let room = sink.max_bytes.saturating_sub(sink.bytes()) / 2;
                        let raw = encoding::values(&values, leaf.physical, e, present, room)
                            .map_err(|m| sink.limit_message(m))?;
                        if raw.len() != present {
                            return Err(format!("{} values for {present} entries", raw.len()));
                        }
                        sink.convert(raw)?
                    }
                };
                // Levels that are all 1 (no nulls, the common case) need no spreading.
                let defs = defs.filter(|_| present < n);
                sink.push(conv, defs.as_deref())?;
                rows_read(sink.rows());
            }
            _ => {} // index pages and unknown kinds: skipped
        }
    }
    Ok(())
}

/// Values of a page or a dictionary, converted to the column's storage.
enum Conv {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<u8>),
    Code(Vec<u32>),
}

impl Conv {
    fn gather(&self, idx: &[u32]) -> Result<Conv, String> {
        fn pick<T: Copy>(dict: &[T], idx: &[u32]) -> Result<Vec<T>, String> {
            if let Some(&max) = idx.iter().max() {
                if max as usize >= dict.len() {
                    return Err(format!(
                        "dictionary index {max} out of range ({} entries)",
                        dict.len()
                    ));
                }
            }
            Ok(idx.iter().map(|&i| dict[i as usize]).collect())
        }
        Ok(match self {
            Conv::Int(d) => Conv::Int(pick(d, idx)?),
            Conv::Float(d) => Conv::Float(pick(d, idx)?),
            Conv::Bool(d) => Conv::Bool(pick(d, idx)?),
            Conv::Code(d) => Conv::Code(pick(d, idx)?),
        })
    }
}

/// How a leaf's values are stored.
#[derive(Clone, Copy, PartialEq)]
enum Storage {
    Int,
    Float,
    Bool,
    Text,
}

/// The column being decoded.
struct Sink {
    storage: Storage,
    ty: ColumnType,
    ints: Vec<i64>,
    valid: Option<Vec<bool>>,
    floats: Vec<f64>,
    bools: Vec<u8>,
    codes: Vec<u32>,
    /// Text: each distinct byte string (held once) → its code.
    index: HashMap<Box<[u8]>, u32>,
    /// Bytes of the distinct texts.
    text_bytes: usize,
    /// The decode limit for this column, in bytes.
    max_bytes: usize,
    /// The column's rows (the footer's), when known: what its first data
    /// page makes room for.
    column_rows: usize,
}

/// How a limit is raised, for messages.
const RAISE_LIMIT: &str = "raise it with `[limits] max_column_bytes` in attest.toml";

impl Sink {
    fn new(leaf: &Leaf, max_bytes: usize) -> Self {
        let storage = match &leaf.ty {
            ColumnType::Boolean => Storage::Bool,
            ColumnType::Int { .. }
            | ColumnType::Date
            | ColumnType::Time { .. }
            | ColumnType::Timestamp { .. } => Storage::Int,
            ColumnType::Float { .. } | ColumnType::Decimal { .. } => Storage::Float,
            _ => Storage::Text,
        };
        Sink {
            storage,
            ty: leaf.ty.clone(),
            ints: Vec::new(),
            valid: None,
            floats: Vec::new(),
            bools: Vec::new(),
            codes: Vec::new(),
            index: HashMap::new(),
            text_bytes: 0,
            max_bytes,
            column_rows: 0,
        }
    }

    /// Bytes a value takes in this column's storage.
    fn width(&self) -> usize {
        match self.storage {
            Storage::Int | Storage::Float => 8,
            Storage::Bool => 1,
            Storage::Text => 4,
        }
    }

    /// Bytes the column holds so far.
    fn bytes(&self) -> usize {
        let valid = self.valid.as_ref().map_or(0, Vec::len);
        self.rows()
            .saturating_mul(self.width())
            .saturating_add(valid)
            .saturating_add(self.text_bytes)
    }

    /// Room for a page of `n` values (and their levels while decoding):
    /// within the decode limit, reserved.
    fn admit(&mut self, n: usize) -> Result<(), String> {
        let page = n.saturating_mul(self.width() + 4);
        if self.bytes().saturating_add(page) > self.max_bytes {
            return Err(
                self.limit_message(format!("a page of {n} values would pass the decode limit"))
            );
        }
        self.reserve(n, false)
    }

    /// Reserve `n` more values (`exact`: no more).
    fn reserve(&mut self, n: usize, exact: bool) -> Result<(), String> {
        fn grow<T>(v: &mut Vec<T>, n: usize, exact: bool) -> Result<(), String> {
            if exact {
                v.try_reserve_exact(n)
            } else {
                v.try_reserve(n)
            }
            .map_err(|_| format!("{n} values do not fit in memory"))
        }
        match self.storage {
            Storage::Int => grow(&mut self.ints, n, exact),
            Storage::Float => grow(&mut self.floats, n, exact),
            Storage::Bool => grow(&mut self.bools, n, exact),
            Storage::Text => grow(&mut self.codes, n, exact),
        }
    }

    /// Room for `rows` more values at once (a row group's, the column's), when they fit
    /// within the decode limit; else nothing (pages then reserve their own,
    /// and the page that passes the limit is refused).
    fn reserve_rows(&mut self, rows: usize) -> Result<bool, String> {
        let needed = rows.saturating_mul(self.width());
        if self.bytes().saturating_add(needed) > self.max_bytes {
            return Ok(false);
        }
        self.reserve(rows, true).map(|()| true)
    }

    /// `m` with how to raise the limit, when it is about the limit.
    fn limit_message(&self, m: String) -> String {
        if m.ends_with("the decode limit") {
            format!(
                "{m} of {} bytes of one column ({RAISE_LIMIT})",
                self.max_bytes
            )
        } else {
            m
        }
    }

    fn rows(&self) -> usize {
        match self.storage {
            Storage::Int => self.ints.len(),
            Storage::Float => self.floats.len(),
            Storage::Bool => self.bools.len(),
            Storage::Text => self.codes.len(),
        }
    }

    fn intern(&mut self, key: &[u8]) -> u32 {
        if let Some(&c) = self.index.get(key) {
            return c;
        }
        let c = self.index.len() as u32;
        self.index.insert(key.into(), c);
        self.text_bytes = self.text_bytes.saturating_add(key.len() + 16);
        c
    }

    /// Convert decoded values to this column's storage.
    fn convert(&mut self, raw: Raw) -> Result<Conv, String> {
        let ty = self.ty.clone();
        Ok(match (self.storage, raw) {
            (Storage::Bool, Raw::Bool(v)) => Conv::Bool(v.into_iter().map(u8::from).collect()),
            (Storage::Int, Raw::Int(mut v)) => {
                if let ColumnType::Int {
                    bits: 32,
                    signed: false,
                } = ty
                {
                    v.iter_mut().for_each(|x| *x = i64::from(*x as u32));
                }
                Conv::Int(v)
            }
            (Storage::Int, Raw::Int96(v)) => Conv::Int(v),
            (Storage::Float, Raw::Float(v)) => Conv::Float(v),
            (Storage::Float, Raw::Int(v)) => {
                let scale = decimal_scale(&ty);
                Conv::Float(v.into_iter().map(|x| x as f64 / scale).collect())
            }
            (Storage::Float, Raw::Bytes(v)) => match ty {
                ColumnType::Float { bits: 16 } => Conv::Float(v.iter().map(f16_value).collect()),
                _ => {
                    let scale = decimal_scale(&ty);
                    Conv::Float(v.iter().map(|b| big_endian_signed(b) / scale).collect())
                }
            },
            (Storage::Text, Raw::Bytes(v)) => Conv::Code(self.intern_all(&v)),
            (_, raw) => {
                return Err(format!(
                    "{} values cannot be read as {}",
                    match raw {
                        Raw::Int(_) => "integer",
                        Raw::Int96(_) => "INT96",
                        Raw::Float(_) => "floating-point",
                        Raw::Bool(_) => "boolean",
                        Raw::Bytes(_) => "byte-array",
                    },
                    ty
                ))
            }
        })
    }

    fn intern_all(&mut self, v: &ByteValues) -> Vec<u32> {
        let mut last: Option<(usize, u32)> = None;
        (0..v.len())
            .map(|i| {
                let b = v.get(i);
                if let Some((j, c)) = last {
                    if v.get(j) == b {
                        return c;
                    }
                }
                let c = self.intern(b);
                last = Some((i, c));
                c
            })
            .collect()
    }

    /// Append a page: `defs` (1 = present, 0 = null) or all present.
    fn push(&mut self, conv: Conv, defs: Option<&[u32]>) -> Result<(), String> {
        fn spread<T: Copy>(
            out: &mut Vec<T>,
            values: Vec<T>,
            defs: Option<&[u32]>,
            null: T,
        ) -> Result<(), String> {
            let Some(defs) = defs else {
                out.extend(values);
                return Ok(());
            };
            let mut it = values.into_iter();
            for &d in defs {
                out.push(if d == 1 {
                    it.next().ok_or("fewer values than definition levels")?
                } else {
                    null
                });
            }
            Ok(())
        }
        match conv {
            Conv::Int(v) => {
                if let Some(defs) = defs.filter(|d| d.iter().any(|&l| l != 1)) {
                    let before = self.ints.len();
                    let valid = self.valid.get_or_insert_with(|| vec![true; before]);
                    valid.extend(defs.iter().map(|&l| l == 1));
                } else if let Some(valid) = &mut self.valid {
                    valid.resize(valid.len() + v.len(), true);
                }
                spread(&mut self.ints, v, defs, 0)
            }
            Conv::Float(v) => spread(&mut self.floats, v, defs, f64::NAN),
            Conv::Bool(v) => spread(&mut self.bools, v, defs, 2),
            Conv::Code(v) => spread(&mut self.codes, v, defs, MISSING),
        }
    }

    fn finish(self) -> Column {
        let ty = self.ty;
        let values = match self.storage {
            Storage::Int => Values::Int {
                values: self.ints,
                valid: self.valid,
            },
            Storage::Float => Values::Float(self.floats),
            Storage::Bool => Values::Bool(self.bools),
            Storage::Text => {
                // Each distinct text moves from the index into the column
                // (copied only when it is a UUID or not UTF-8).
                let mut dict = vec![String::new(); self.index.len()];
                for (k, c) in self.index {
                    let text = match ty {
                        ColumnType::Uuid => uuid_text(&k),
                        _ => String::from_utf8(k.into_vec())
                            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    };
                    if let Some(slot) = dict.get_mut(c as usize) {
                        *slot = text;
                    }
                }
                Values::Text {
                    codes: self.codes,
                    dict,
                }
            }
        };
        Column { ty, values }
    }
}

fn decimal_scale(ty: &ColumnType) -> f64 {
    match ty {
        ColumnType::Decimal { scale, .. } => 10f64.powi(*scale),
        _ => 1.0,
    }
}

/// A big-endian two's-complement integer of any length, as f64.
fn big_endian_signed(b: &[u8]) -> f64 {
    if b.len() <= 16 {
        let fill = if b.first().is_some_and(|x| x & 0x80 != 0) {
            0xff
        } else {
            0
        };
        let mut word = [fill; 16];
        word[16 - b.len()..].copy_from_slice(b);
        i128::from_be_bytes(word) as f64
    } else {
        let negative = b.first().is_some_and(|x| x & 0x80 != 0);
        let mag = b.iter().fold(0f64, |acc, &x| {
            acc * 256.0 + f64::from(if negative { !x } else { x })
        });
        if negative {
            -(mag + 1.0)
        } else {
            mag
        }
    }
}

/// IEEE 754 half precision (little-endian) as f64.
fn f16_value(b: &[u8]) -> f64 {
    let bits = u16::from_le_bytes([
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
    ]);
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

fn uuid_text(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if hex.len() == 32 {
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    } else {
        hex
    }
}

#[cfg(test)]
mod tests;
