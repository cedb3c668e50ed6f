//! Parquet and CSV → Arrow arrays, column by column.
//!
//! This is the only module that knows file formats. A [`Dataset`] reads the
//! Parquet footer once; [`Dataset::read_column`] then decodes a single column
//! (every row group, only that column's chunks), so peak memory follows the
//! largest column being processed, not the table.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::{ChunkReader, Length};

use crate::error::{Error, Result};
use crate::source::{ByteSource, RangeReader};

/// Rows decoded per Arrow batch.
const BATCH_ROWS: usize = 64 * 1024;
/// Block size of streaming reads (page headers, CSV).
const READ_BLOCK: usize = 256 * 1024;
/// Column chunks up to this size are read in one request before decoding
/// (larger ones are streamed page by page).
const PREFETCH_MAX: u64 = 64 << 20;

/// A file format Attest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet (any of snappy, gzip, zstd, lz4, brotli or no compression).
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// Lower-case name, as in reports: "parquet" or "csv".
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// Adapts a [`ByteSource`] to parquet's [`ChunkReader`].
#[derive(Clone)]
struct SourceReader(Arc<dyn ByteSource>);

impl Length for SourceReader {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl ChunkReader for SourceReader {
    type T = RangeReader;
    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(RangeReader::new(self.0.clone(), start, READ_BLOCK))
    }
    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let bytes = self
            .0
            .read_range(start, length)
            .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?;
        if bytes.len() < length {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "wanted {length} bytes at offset {start}, the file has only {} there (truncated file?)",
                bytes.len()
            )));
        }
        Ok(bytes)
    }
}

/// A source with some byte ranges already read: a read that starts inside
/// one is answered from memory (up to that range's end), any other goes to
/// the source. Decoding a column chunk asks for every page header and page
/// separately; in the browser each request is a `FileReaderSync` call or an
/// HTTP request, so one request per column chunk instead of two per page
/// makes reading several times faster there.
struct Prefetched {
    inner: Arc<dyn ByteSource>,
    /// (offset, bytes), sorted by offset, not overlapping.
    ranges: Vec<(u64, Bytes)>,
}

impl ByteSource for Prefetched {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<Bytes> {
        let i = self.ranges.partition_point(|(s, _)| *s <= start);
        if let Some((s, bytes)) = i.checked_sub(1).and_then(|i| self.ranges.get(i)) {
            let from = (start - s) as usize;
            if from < bytes.len() {
                let to = from.saturating_add(len).min(bytes.len());
                return Ok(bytes.slice(from..to));
            }
        }
        self.inner.read_range(start, len)
    }
}

enum Inner {
    Parquet(ArrowReaderMetadata),
    Csv(Vec<RecordBatch>),
}

/// One input dataset (e.g. `reference`), opened for column reads.
pub struct Dataset {
    label: String,
    source: Arc<dyn ByteSource>,
    format: Format,
    schema: SchemaRef,
    rows: usize,
    inner: Inner,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("label", &self.label)
            .field("name", &self.source.name())
            .field("format", &self.format)
            .field("rows", &self.rows)
            .finish()
    }
}

impl Dataset {
    /// Open a source as the dataset called `label` (`"reference"`, `"current"`, …).
    ///
    /// Parquet is recognised by its magic bytes; anything else whose name ends
    /// in `.csv` (or that decodes as text) is read as CSV. Only the footer of a
    /// Parquet file is read here; CSV is parsed whole (it has no columns to seek to).
    pub fn open(label: impl Into<String>, source: Arc<dyn ByteSource>) -> Result<Self> {
        let label = label.into();
        let name = source.name().to_string();
        let head = source.read_range(0, 4).map_err(|error| Error::Io {
            name: name.clone(),
            error,
        })?;
        if head.is_empty() {
            return Err(Error::Format {
                name,
                message: "the file is empty (0 bytes)".into(),
            });
        }
        if &head[..] == b"PAR1" {
            let reader = SourceReader(source.clone());
            let meta =
                ArrowReaderMetadata::load(&reader, ArrowReaderOptions::new()).map_err(|e| {
                    Error::Parquet {
                        name: name.clone(),
                        message: e.to_string(),
                    }
                })?;
            let schema = meta.schema().clone();
            // Trust the row groups only when they agree with the footer's total.
            let md = meta.metadata();
            let groups: Option<i64> = md.row_groups().iter().try_fold(0i64, |acc, g| {
                acc.checked_add(g.num_rows()).filter(|_| g.num_rows() >= 0)
            });
            let total = md.file_metadata().num_rows();
            let rows = match groups {
                Some(sum) if sum == total => usize::try_from(total).map_err(|_| Error::Parquet {
                    name: name.clone(),
                    message: format!("invalid row count {total}"),
                })?,
                _ => {
                    return Err(Error::Parquet {
                        name,
                        message: format!(
                            "the footer says {total} rows but its row groups disagree (corrupt footer?)"
                        ),
                    })
                }
            };
            unique_names(&name, &schema)?;
            return Ok(Self {
                label,
                source,
                format: Format::Parquet,
                schema,
                rows,
                inner: Inner::Parquet(meta),
            });
        }
        let lower = name.to_ascii_lowercase();
        let looks_csv = lower.ends_with(".csv") || lower.ends_with(".csv.txt");
        if !looks_csv && head.contains(&0) {
            return Err(Error::Format {
                name,
                message: "no Parquet magic bytes `PAR1` at the start, and not text".into(),
            });
        }
        let (schema, batches) = read_csv(&source).map_err(|message| Error::Csv {
            name: name.clone(),
            message,
        })?;
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        unique_names(&name, &schema)?;
        Ok(Self {
            label,
            source,
            format: Format::Csv,
            schema,
            rows,
            inner: Inner::Csv(batches),
        })
    }

    /// The dataset's label, e.g. `"reference"`.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The source's display name (file name).
    pub fn name(&self) -> &str {
        self.source.name()
    }
    /// The byte source.
    pub fn source(&self) -> &Arc<dyn ByteSource> {
        &self.source
    }
    /// The file format.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The Arrow schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The column names, in file order.
    pub fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Decode one column (all row groups) as Arrow arrays, one per batch.
    pub fn read_column(&self, column: &str) -> Result<Vec<ArrayRef>> {
        self.read_column_with(column, &mut |_| {})
    }

    /// [`read_column`](Self::read_column), calling `rows_read` with the
    /// number of rows decoded so far after each batch.
    pub fn read_column_with(
        &self,
        column: &str,
        rows_read: &mut dyn FnMut(usize),
    ) -> Result<Vec<ArrayRef>> {
        let index = self
            .schema
            .index_of(column)
            .map_err(|_| Error::MissingColumn {
                dataset: self.label.clone(),
                name: self.name().to_string(),
                column: column.to_string(),
                role: "column".into(),
                available: self.column_list(),
            })?;
        match &self.inner {
            Inner::Csv(batches) => {
                rows_read(self.rows);
                Ok(batches.iter().map(|b| b.column(index).clone()).collect())
            }
            Inner::Parquet(meta) => {
                let perr = |e: &dyn std::fmt::Display| Error::Parquet {
                    name: self.name().to_string(),
                    message: format!("column `{column}`: {e}"),
                };
                let mask = ProjectionMask::roots(meta.parquet_schema(), [index]);
                // The column's chunks in every row group, each in one read.
                let schema = meta.parquet_schema();
                let leaves: Vec<usize> = (0..schema.num_columns())
                    .filter(|&leaf| schema.get_column_root_idx(leaf) == index)
                    .collect();
                let mut ranges = Vec::new();
                for rg in meta.metadata().row_groups() {
                    for &leaf in &leaves {
                        let (start, len) = rg.column(leaf).byte_range();
                        if len > 0 && len <= PREFETCH_MAX {
                            let bytes = self
                                .source
                                .read_range(start, len as usize)
                                .map_err(|e| perr(&e))?;
                            ranges.push((start, bytes));
                        }
                    }
                }
                ranges.sort_by_key(|(s, _)| *s);
                let source: Arc<dyn ByteSource> = Arc::new(Prefetched {
                    inner: self.source.clone(),
                    ranges,
                });
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                    SourceReader(source),
                    meta.clone(),
                )
                .with_projection(mask)
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| perr(&e))?;
                let mut out = Vec::new();
                let mut got = 0usize;
                for batch in reader {
                    let batch = batch.map_err(|e| perr(&e))?;
                    if let Some(col) = batch.columns().first() {
                        got += col.len();
                        out.push(col.clone());
                    }
                    rows_read(got);
                }
                if got != self.rows {
                    return Err(perr(&format!(
                        "decoded {got} values but the footer says {} rows",
                        self.rows
                    )));
                }
                Ok(out)
            }
        }
    }

    /// The column names, comma-separated, for messages.
    pub fn column_list(&self) -> String {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn unique_names(name: &str, schema: &SchemaRef) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for f in schema.fields() {
        if !seen.insert(f.name().as_str()) {
            return Err(Error::DuplicateColumn {
                name: name.to_string(),
                column: f.name().clone(),
            });
        }
    }
    Ok(())
}

fn read_csv(source: &Arc<dyn ByteSource>) -> Result<(SchemaRef, Vec<RecordBatch>), String> {
    use arrow_csv::reader::{Format as CsvFormat, ReaderBuilder};
    let format = CsvFormat::default().with_header(true);
    let (schema, _) = format
        .infer_schema(
            RangeReader::new(source.clone(), 0, READ_BLOCK),
            Some(10_000),
        )
        .map_err(|e| e.to_string())?;
    if schema.fields().is_empty() {
        return Err("no header row".into());
    }
    let schema = Arc::new(schema);
    let reader = ReaderBuilder::new(schema.clone())
        .with_format(format)
        .with_batch_size(BATCH_ROWS)
        .build(RangeReader::new(source.clone(), 0, READ_BLOCK))
        .map_err(|e| e.to_string())?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok((schema, batches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::MemorySource;

    fn open(name: &str, bytes: &[u8]) -> Result<Dataset> {
        Dataset::open(
            "reference",
            Arc::new(MemorySource::new(name, bytes.to_vec())),
        )
    }

    #[test]
    fn csv_reads_columns() {
        let ds = open("a.csv", b"x,y\n1,a\n2,b\n3,\n").expect("valid csv");
        assert_eq!(ds.rows(), 3);
        assert_eq!(ds.format(), Format::Csv);
        let col = ds.read_column("x").expect("column x");
        assert_eq!(col.iter().map(|a| a.len()).sum::<usize>(), 3);
    }

    #[test]
    fn missing_column_names_the_alternatives() {
        let ds = open("a.csv", b"x,y\n1,a\n").expect("valid csv");
        let err = ds.read_column("z").expect_err("no such column").to_string();
        assert!(err.contains("no column `z`"), "{err}");
        assert!(err.contains("x, y"), "{err}");
    }

    #[test]
    fn duplicate_column_names_are_an_error() {
        let err = open("a.csv", b"a,a\n1,2\n")
            .expect_err("duplicate")
            .to_string();
        assert!(err.contains("two columns are named `a`"), "{err}");
    }

    #[test]
    fn empty_file_is_an_error() {
        let err = open("a.parquet", b"").expect_err("empty").to_string();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn truncated_parquet_is_an_error() {
        let err = open("a.parquet", b"PAR1\x00\x01\x02")
            .expect_err("truncated")
            .to_string();
        assert!(err.contains("not a readable Parquet file"), "{err}");
    }

    #[test]
    fn binary_garbage_is_an_error() {
        let err = open("a.bin", b"\x00\x01\x02\x03\x04")
            .expect_err("garbage")
            .to_string();
        assert!(err.contains("unsupported file format"), "{err}");
    }
}
