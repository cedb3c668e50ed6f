//! Byte sources: where a dataset's bytes come from.
//!
//! The core never asks for "the whole file": readers ask for byte ranges
//! (`read_range`). A native file answers with positional reads, an in-memory
//! buffer with a slice, and in the browser a `Blob` answers with `Blob.slice`.

use std::io::Read;
use std::sync::Arc;

pub use bytes::Bytes;

use crate::error::{Error, Result};

/// A random-access source of bytes with a known length.
///
/// Implementations must be cheap to share between threads: the readers hold
/// an `Arc<dyn ByteSource>`.
pub trait ByteSource: Send + Sync {
    /// A human-readable name (usually the file name) used in messages and reports.
    fn name(&self) -> &str;
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// True when the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Read `len` bytes starting at `start`. Reading past the end returns
    /// the bytes that exist (possibly none).
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<Bytes>;
    /// Read several ranges (`(start, len)`, each as
    /// [`read_range`](Self::read_range)), in order. A source whose every
    /// request costs much whatever its size (a Blob in a Web Worker: about
    /// 3 ms a call) answers them in one; by default, one after another.
    fn read_ranges(&self, ranges: &[(u64, usize)]) -> std::io::Result<Vec<Bytes>> {
        ranges
            .iter()
            .map(|&(start, len)| self.read_range(start, len))
            .collect()
    }
}

/// An in-memory buffer (tests, small uploads).
#[derive(Debug, Clone)]
pub struct MemorySource {
    name: String,
    bytes: Bytes,
}

impl MemorySource {
    /// Wrap a buffer under a display name.
    pub fn new(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

impl ByteSource for MemorySource {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<Bytes> {
        let total = self.bytes.len();
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(total);
        let end = start.saturating_add(len).min(total);
        Ok(self.bytes.slice(start..end))
    }
}

/// A file on a native file system, read with positional reads.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct FileSource {
    name: String,
    file: std::fs::File,
    len: u64,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileSource {
    /// Open a file; the display name is the path as given.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io = |error| Error::Io {
            name: name.clone(),
            error,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::other("is a directory, not a file")));
        }
        Ok(Self {
            name: name.clone(),
            file,
            len: meta.len(),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl ByteSource for FileSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.len
    }
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<Bytes> {
        let len = len.min(usize::try_from(self.len.saturating_sub(start)).unwrap_or(usize::MAX));
        let mut buf = vec![0u8; len];
        let mut done = 0;
        while done < len {
            let n = read_at(&self.file, &mut buf[done..], start + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        buf.truncate(done);
        Ok(Bytes::from(buf))
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// A streaming reader over a source from a start offset, fetching blocks on
/// demand (used for Parquet page headers and for hashing).
pub struct RangeReader {
    source: Arc<dyn ByteSource>,
    pos: u64,
    block: Bytes,
    block_size: usize,
}

impl RangeReader {
    /// Read from `start` on in blocks of `block_size` bytes.
    pub fn new(source: Arc<dyn ByteSource>, start: u64, block_size: usize) -> Self {
        Self {
            source,
            pos: start,
            block: Bytes::new(),
            block_size: block_size.max(1),
        }
    }
}

impl Read for RangeReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.block.is_empty() {
            self.block = self.source.read_range(self.pos, self.block_size)?;
            if self.block.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.block.len());
        out[..n].copy_from_slice(&self.block[..n]);
        self.block = self.block.slice(n..);
        self.pos += n as u64;
        Ok(n)
    }
}

/// The end of the byte range `start..start + len` of a source of `total`
/// bytes, clamped to the end; `None` when the range is empty.
pub fn range_end(start: u64, len: usize, total: u64) -> Option<u64> {
    let end = start.saturating_add(len as u64).min(total);
    (start < end).then_some(end)
}

/// SHA-256 of a whole source, read block by block (hex, lower case).
pub fn sha256_hex(source: &dyn ByteSource) -> Result<String> {
    sha256_hex_with(source, &mut |_| {})
}

/// [`sha256_hex`], calling `hashed` with the bytes hashed so far after each
/// 4 MiB block.
pub fn sha256_hex_with(source: &dyn ByteSource, hashed: &mut dyn FnMut(u64)) -> Result<String> {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 4 << 20;
    let mut hasher = Sha256::new();
    let mut pos = 0u64;
    while pos < source.len() {
        let chunk = source.read_range(pos, BLOCK).map_err(|error| Error::Io {
            name: source.name().to_string(),
            error,
        })?;
        if chunk.is_empty() {
            break;
        }
        pos += chunk.len() as u64;
        hasher.update(&chunk);
        hashed(pos);
    }
    let digest = hasher.finalize();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_source_clamps_ranges() {
        let s = MemorySource::new("m", vec![1u8, 2, 3, 4]);
        assert_eq!(&s.read_range(1, 2).expect("in range")[..], &[2, 3]);
        assert_eq!(&s.read_range(3, 10).expect("clamped")[..], &[4]);
        assert!(s.read_range(10, 10).expect("past end").is_empty());
    }

    #[test]
    fn range_end_clamps_and_rejects_empty_ranges() {
        assert_eq!(range_end(0, 4, 10), Some(4));
        assert_eq!(range_end(8, 4, 10), Some(10));
        assert_eq!(range_end(10, 4, 10), None);
        assert_eq!(range_end(3, 0, 10), None);
        assert_eq!(range_end(u64::MAX, usize::MAX, u64::MAX), None);
    }

    #[test]
    fn range_reader_reads_across_blocks() {
        let data: Vec<u8> = (0..=255u8).collect();
        let s: Arc<dyn ByteSource> = Arc::new(MemorySource::new("m", data.clone()));
        let mut r = RangeReader::new(s, 10, 7);
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("reads");
        assert_eq!(out, data[10..]);
    }

    #[test]
    fn sha256_of_known_input() {
        let s = MemorySource::new("m", b"abc".to_vec());
        assert_eq!(
            sha256_hex(&s).expect("hash"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
