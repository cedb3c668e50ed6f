//! Parquet and CSV → [`Column`]s, one column at a time.
//!
//! This is the only module that knows file formats. A [`Dataset`] reads the
//! Parquet footer once; [`Dataset::read_column`] then decodes a single column
//! (every row group, only that column's chunks, each in one request), so
//! peak memory follows the largest column being processed, not the table.
//! Parquet decoding is [`crate::pq`]; CSV is parsed whole with the `csv`
//! crate (a CSV file has no columns to seek to) and typed by inference.

use std::collections::HashSet;
use std::sync::Arc;

use crate::columns::{Column, ColumnType, Values, MISSING};
use crate::error::{Error, Result};
pub use crate::pq::ColumnInfo;
use crate::pq::ParquetFile;
use crate::source::{ByteSource, RangeReader};

/// Block size of streaming CSV reads.
const READ_BLOCK: usize = 256 * 1024;

/// A file format Attest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet (any of snappy, gzip, zstd, lz4, brotli or no compression).
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
    /// A table already in memory, handed over as Arrow arrays by a binding
    /// (the Python package's data frames): a [`FrameSource`].
    Arrow,
}

impl Format {
    /// Lower-case name, as in reports: "parquet" or "csv".
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Arrow => "arrow",
        }
    }
}

/// What decoding a dataset may produce, so that what a file claims (a
/// footer's row count, a page's value count, values that expand) cannot
/// exhaust memory: more is an error that names the file, the column and
/// the limit. Set in `attest.toml` (`[limits]`); the defaults depend on
/// where Attest runs ([`Limits::NATIVE`], [`Limits::BROWSER`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows of one dataset.
    pub max_rows: u64,
    /// Bytes of one decoded column: its values (8 bytes each for numbers
    /// and times, 4 for text codes, 1 for booleans), null flags and
    /// distinct texts (twice while a page's texts are decoded), and the
    /// values and levels of the page being decoded.
    pub max_column_bytes: u64,
}

impl Limits {
    /// The CLI's defaults: 100 million rows, 1 GiB per column (a column of
    /// 100 million numbers takes 800 MB).
    pub const NATIVE: Limits = Limits {
        max_rows: 100_000_000,
        max_column_bytes: 1 << 30,
    };
    /// The web app's defaults, for a WebAssembly worker (4 GiB at most, and
    /// its memory never shrinks): 20 million rows, 512 MiB per column.
    pub const BROWSER: Limits = Limits {
        max_rows: 20_000_000,
        max_column_bytes: 512 << 20,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::NATIVE
    }
}

enum Inner {
    Parquet(ParquetFile),
    Csv(Vec<Column>),
    // Frames come from native bindings (Python); the page has none.
    #[cfg(not(target_arch = "wasm32"))]
    Frame(Arc<dyn FrameSource>),
}

#[cfg(not(target_arch = "wasm32"))]
/// A table already in memory (a data frame handed over by a binding, e.g.
/// Arrow arrays from Python), read one column at a time as the run asks,
/// the way a Parquet file is: [`Dataset::from_frame`]. Implementations
/// convert their storage to Attest's [`Column`]s with the same values and
/// types a Parquet file of the same table gives.
pub trait FrameSource: Send + Sync {
    /// The columns with their types, in the frame's order.
    fn columns(&self) -> Vec<ColumnInfo>;
    /// Number of rows.
    fn rows(&self) -> usize;
    /// Convert column `index` (not a [`ColumnType::FloatList`]); an error
    /// when it would take more than `max_bytes` (see [`Limits`]).
    fn read_column(&self, index: usize, max_bytes: u64) -> std::result::Result<Column, String>;
    /// Convert the list-of-floats column `index`.
    fn read_float_lists(
        &self,
        index: usize,
        max_bytes: u64,
    ) -> std::result::Result<crate::columns::FloatLists, String>;
}

/// One input dataset (e.g. `reference`), opened for column reads.
pub struct Dataset {
    label: String,
    source: Arc<dyn ByteSource>,
    format: Format,
    columns: Vec<ColumnInfo>,
    rows: usize,
    inner: Inner,
    limits: Limits,
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
        Self::open_with(label, source, Limits::default())
    }

    /// [`open`](Self::open) within `limits`: a file that claims more rows
    /// is refused here, before anything is decoded.
    pub fn open_with(
        label: impl Into<String>,
        source: Arc<dyn ByteSource>,
        limits: Limits,
    ) -> Result<Self> {
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
            let file = ParquetFile::open(source.as_ref()).map_err(|message| Error::Parquet {
                name: name.clone(),
                message,
            })?;
            let rows = within_rows(&name, file.rows(), limits)?;
            let columns = file.columns();
            unique_names(&name, &columns)?;
            return Ok(Self {
                label,
                source,
                format: Format::Parquet,
                columns,
                rows,
                inner: Inner::Parquet(file),
                limits,
            });
        }
        if let Some(kind) = known_binary(&head) {
            return Err(Error::Format {
                name,
                message: format!("the file is {kind}, not Parquet or CSV"),
            });
        }
        let lower = name.to_ascii_lowercase();
        let looks_csv = lower.ends_with(".csv") || lower.ends_with(".csv.txt");
        if !looks_csv && head.contains(&0) {
            return Err(Error::Format {
                name,
                message:
                    "not Parquet or CSV: no Parquet magic bytes `PAR1` at the start, and not text"
                        .into(),
            });
        }
        let (names, data) = read_csv(&source).map_err(|message| Error::Csv {
            name: name.clone(),
            message,
        })?;
        let columns: Vec<ColumnInfo> = names
            .into_iter()
            .zip(&data)
            .map(|(name, c)| ColumnInfo {
                name,
                ty: c.ty.clone(),
            })
            .collect();
        unique_names(&name, &columns)?;
        let rows = within_rows(&name, data.first().map_or(0, Column::len) as u64, limits)?;
        Ok(Self {
            label,
            source,
            format: Format::Csv,
            columns,
            rows,
            inner: Inner::Csv(data),
            limits,
        })
    }

    #[cfg(not(target_arch = "wasm32"))]
    /// A table in memory as the dataset called `label`, displayed as
    /// `name` (e.g. "pandas.DataFrame"); its rows are checked against
    /// `limits` here, its columns converted as they are read.
    pub fn from_frame(
        label: impl Into<String>,
        name: impl Into<String>,
        frame: Arc<dyn FrameSource>,
        limits: Limits,
    ) -> Result<Self> {
        let name = name.into();
        let rows = within_rows(&name, frame.rows() as u64, limits)?;
        let columns = frame.columns();
        unique_names(&name, &columns)?;
        Ok(Self {
            label: label.into(),
            source: Arc::new(crate::source::MemorySource::new(name, Vec::new())),
            format: Format::Arrow,
            columns,
            rows,
            inner: Inner::Frame(frame),
            limits,
        })
    }

    /// A digest of the dataset's content (SHA-256, hex): of the file's
    /// bytes; for a frame ([`Format::Arrow`]), which has no bytes, of its
    /// columns as Attest reads them ([`frame_sha256`]). `hashed` gets the
    /// bytes of a file hashed so far after each block.
    pub fn sha256_with(&self, hashed: &mut dyn FnMut(u64)) -> Result<String> {
        match &self.inner {
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Frame(_) => frame_sha256(self),
            _ => crate::source::sha256_hex_with(self.source.as_ref(), hashed),
        }
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
    /// The columns with their types, in file order.
    pub fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }
    /// The type of column `name`, if the dataset has it.
    pub fn column_type(&self, name: &str) -> Option<&ColumnType> {
        self.columns.iter().find(|c| c.name == name).map(|c| &c.ty)
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The column names, in file order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Decode one column (all row groups).
    pub fn read_column(&self, column: &str) -> Result<Column> {
        self.read_column_with(column, &mut |_| {})
    }

    /// [`read_column`](Self::read_column), calling `rows_read` with the
    /// number of rows decoded so far as decoding goes.
    pub fn read_column_with(
        &self,
        column: &str,
        rows_read: &mut dyn FnMut(usize),
    ) -> Result<Column> {
        let index = self.index_of(column)?;
        match &self.inner {
            Inner::Csv(data) => {
                rows_read(self.rows);
                data.get(index).cloned().ok_or_else(|| Error::Csv {
                    name: self.name().to_string(),
                    message: format!("column `{column}` is missing"),
                })
            }
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Frame(frame) => {
                let column = frame
                    .read_column(index, self.limits.max_column_bytes)
                    .map_err(|message| Error::Frame {
                        name: self.name().to_string(),
                        message: format!("column `{column}`: {message}"),
                    })?;
                rows_read(self.rows);
                Ok(column)
            }
            Inner::Parquet(file) => file
                .read_column(&self.source, index, rows_read, self.limits.max_column_bytes)
                .map_err(|m| Error::Parquet {
                    name: self.name().to_string(),
                    message: format!("column `{column}`: {m}"),
                }),
        }
    }

    /// Read a list-of-floats column ([`ColumnType::FloatList`], Parquet
    /// only), within the dataset's decode limits.
    pub fn read_float_lists(&self, column: &str) -> Result<crate::columns::FloatLists> {
        let index = self.index_of(column)?;
        match &self.inner {
            Inner::Csv(_) => Err(Error::Csv {
                name: self.name().to_string(),
                message: format!("column `{column}`: CSV holds no list columns"),
            }),
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Frame(frame) => frame
                .read_float_lists(index, self.limits.max_column_bytes)
                .map_err(|message| Error::Frame {
                    name: self.name().to_string(),
                    message: format!("column `{column}`: {message}"),
                }),
            Inner::Parquet(file) => file
                .read_float_lists(
                    &self.source,
                    index,
                    &mut |_| {},
                    self.limits.max_column_bytes,
                )
                .map_err(|m| Error::Parquet {
                    name: self.name().to_string(),
                    message: format!("column `{column}`: {m}"),
                }),
        }
    }

    /// The position of `column`, or the error that names what there is.
    fn index_of(&self, column: &str) -> Result<usize> {
        self.columns
            .iter()
            .position(|c| c.name == column)
            .ok_or_else(|| Error::MissingColumn {
                dataset: self.label.clone(),
                name: self.name().to_string(),
                column: column.to_string(),
                role: "column".into(),
                available: self.column_list(),
            })
    }

    /// The column names, comma-separated, for messages.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The datasets of one run (SPEC §2): `reference` and `current`, and
/// `train` when given. Checks that compare two of them call the later one
/// `dataset` and the earlier one `against`.
#[derive(Debug, Clone, Copy)]
pub struct Datasets<'a> {
    pub train: Option<&'a Dataset>,
    pub reference: &'a Dataset,
    pub current: &'a Dataset,
}

impl<'a> Datasets<'a> {
    /// A run of `current` against `reference`, without a train dataset.
    pub fn new(reference: &'a Dataset, current: &'a Dataset) -> Self {
        Self {
            train: None,
            reference,
            current,
        }
    }

    /// The same run with a train dataset (or without, for `None`).
    pub fn with_train(mut self, train: Option<&'a Dataset>) -> Self {
        self.train = train;
        self
    }

    /// Every dataset, earliest first: train (when given), reference, current.
    pub fn all(&self) -> Vec<&'a Dataset> {
        self.train
            .into_iter()
            .chain([self.reference, self.current])
            .collect()
    }
}

/// SHA-256 (hex) of a frame's content as Attest reads it, column by column
/// in order: the column's name and type (as displayed), each length-prefixed,
/// then its values — integers as 8 little-endian bytes and a validity
/// byte, floats as their IEEE bits (every NaN as one NaN), booleans as one
/// byte (2 = null), texts length-prefixed (`u64::MAX` for null), lists of
/// floats as a length then the values. Two frames with the same columns and
/// values have the same digest whatever library held them; it is not the
/// digest of any file.
#[cfg(not(target_arch = "wasm32"))]
pub fn frame_sha256(dataset: &Dataset) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let put = |h: &mut Sha256, bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    let float = |h: &mut Sha256, v: f64| {
        let v = if v.is_nan() { f64::NAN } else { v };
        h.update(v.to_bits().to_le_bytes());
    };
    for info in dataset.columns() {
        put(&mut h, info.name.as_bytes());
        put(&mut h, info.ty.to_string().as_bytes());
        if matches!(info.ty, ColumnType::Unsupported(_)) {
            continue;
        }
        if matches!(info.ty, ColumnType::FloatList { .. }) {
            let lists = dataset.read_float_lists(&info.name)?;
            for i in 0..lists.rows() {
                match lists.get(i) {
                    None => h.update(u64::MAX.to_le_bytes()),
                    Some(values) => {
                        h.update((values.len() as u64).to_le_bytes());
                        for &v in values {
                            float(&mut h, v);
                        }
                    }
                }
            }
            continue;
        }
        let column = dataset.read_column(&info.name)?;
        match &column.values {
            Values::Int { values, valid } => {
                for (i, v) in values.iter().enumerate() {
                    let ok = valid.as_ref().is_none_or(|valid| valid[i]);
                    h.update(if ok { *v } else { 0 }.to_le_bytes());
                    h.update([u8::from(ok)]);
                }
            }
            Values::Float(values) => values.iter().for_each(|&v| float(&mut h, v)),
            Values::Bool(values) => h.update(values),
            Values::Text { codes, dict } => {
                for &c in codes {
                    match dict.get(c as usize) {
                        Some(text) => put(&mut h, text.as_bytes()),
                        None => h.update(u64::MAX.to_le_bytes()),
                    }
                }
            }
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `rows` as a count, when within the limit.
fn within_rows(name: &str, rows: u64, limits: Limits) -> Result<usize> {
    if rows > limits.max_rows {
        return Err(Error::Limit {
            name: name.to_string(),
            message: format!(
                "the file holds {rows} rows, more than the decode limit of {} rows of one dataset (raise it with `[limits] max_rows` in attest.toml)",
                limits.max_rows
            ),
        });
    }
    usize::try_from(rows).map_err(|_| Error::TooLarge {
        name: name.to_string(),
        rows,
    })
}

fn unique_names(name: &str, columns: &[ColumnInfo]) -> Result<()> {
    let mut seen = HashSet::new();
    for c in columns {
        if !seen.insert(c.name.as_str()) {
            return Err(Error::DuplicateColumn {
                name: name.to_string(),
                column: c.name.clone(),
            });
        }
    }
    Ok(())
}

/// Parse a CSV file with a header row: every column as text first (empty
/// fields are null), then typed by [`infer`].
fn read_csv(source: &Arc<dyn ByteSource>) -> Result<(Vec<String>, Vec<Column>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(RangeReader::new(source.clone(), 0, READ_BLOCK));
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    if names.is_empty() || names.iter().all(String::is_empty) {
        return Err("no header row".into());
    }
    let mut interners = vec![crate::columns::Interner::default(); names.len()];
    let mut codes: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                for ((field, interner), out) in record.iter().zip(&mut interners).zip(&mut codes) {
                    out.push(if field.is_empty() {
                        MISSING
                    } else {
                        interner.intern(field)
                    });
                }
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    let columns = interners
        .into_iter()
        .zip(codes)
        .map(|(interner, codes)| infer(codes, interner.into_names()))
        .collect();
    Ok((names, columns))
}

/// The type of a CSV column from its distinct values: integers (`i64`)
/// when every one parses as one, else floats when every one parses as a
/// number and some has a digit, else booleans when every one is
/// `true`/`false` (any case), else text.
fn infer(codes: Vec<u32>, dict: Vec<String>) -> Column {
    let map = |values: &[i64]| -> Vec<i64> {
        codes
            .iter()
            .map(|&c| values.get(c as usize).copied().unwrap_or(0))
            .collect()
    };
    if !dict.is_empty() {
        if let Ok(ints) = dict
            .iter()
            .map(|s| s.parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
        {
            let valid = codes
                .contains(&MISSING)
                .then(|| codes.iter().map(|&c| c != MISSING).collect());
            return Column {
                ty: ColumnType::Int {
                    bits: 64,
                    signed: true,
                },
                values: Values::Int {
                    values: map(&ints),
                    valid,
                },
            };
        }
        let has_digit = dict.iter().any(|s| s.bytes().any(|b| b.is_ascii_digit()));
        if has_digit {
            if let Ok(floats) = dict
                .iter()
                .map(|s| s.parse::<f64>())
                .collect::<Result<Vec<_>, _>>()
            {
                return Column::floats(
                    codes
                        .iter()
                        .map(|&c| floats.get(c as usize).copied().unwrap_or(f64::NAN))
                        .collect(),
                );
            }
        }
        let bool_of = |s: &String| match s.to_ascii_lowercase().as_str() {
            "true" => Some(1u8),
            "false" => Some(0u8),
            _ => None,
        };
        if let Some(bools) = dict.iter().map(bool_of).collect::<Option<Vec<u8>>>() {
            return Column {
                ty: ColumnType::Boolean,
                values: Values::Bool(
                    codes
                        .iter()
                        .map(|&c| bools.get(c as usize).copied().unwrap_or(2))
                        .collect(),
                ),
            };
        }
    }
    Column {
        ty: ColumnType::Text,
        values: Values::Text { codes, dict },
    }
}

/// The kind of a file that is neither Parquet nor CSV, told by its first
/// bytes (a file renamed `.parquet` or `.csv` by mistake).
fn known_binary(head: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 10] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx file is one)"),
        (b"\xD0\xCF\x11\xE0", "an old Office document (.xls)"),
        (b"\x1F\x8B", "a gzip-compressed file"),
        (b"\x28\xB5\x2F\xFD", "a zstd-compressed file"),
        (b"ARRO", "an Arrow IPC (Feather) file"),
        (b"ORC", "an ORC file"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| head.starts_with(m))
        .map(|(_, kind)| *kind)
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

    /// A frame of ready columns, as a binding would hand one over.
    struct Columns(Vec<(String, Column)>);

    impl FrameSource for Columns {
        fn columns(&self) -> Vec<ColumnInfo> {
            self.0
                .iter()
                .map(|(name, c)| ColumnInfo {
                    name: name.clone(),
                    ty: c.ty.clone(),
                })
                .collect()
        }
        fn rows(&self) -> usize {
            self.0.first().map_or(0, |(_, c)| c.len())
        }
        fn read_column(&self, index: usize, _: u64) -> std::result::Result<Column, String> {
            self.0
                .get(index)
                .map(|(_, c)| c.clone())
                .ok_or_else(|| "no such column".into())
        }
        fn read_float_lists(
            &self,
            _: usize,
            _: u64,
        ) -> std::result::Result<crate::columns::FloatLists, String> {
            Err("no lists here".into())
        }
    }

    fn frame(x: Vec<f64>) -> Result<Dataset> {
        let columns = Columns(vec![
            ("x".into(), Column::floats(x)),
            ("g".into(), Column::text([Some("a"), None, Some("b")])),
        ]);
        Dataset::from_frame("current", "test frame", Arc::new(columns), Limits::NATIVE)
    }

    #[test]
    fn a_frame_is_read_column_by_column_and_digested_by_content() {
        let ds = frame(vec![1.0, f64::NAN, 3.0]).expect("frame");
        assert_eq!(ds.format(), Format::Arrow);
        assert_eq!(ds.rows(), 3);
        assert_eq!(ds.column_names(), ["x", "g"]);
        assert_eq!(
            ds.read_column("g").expect("g").text_at(0).as_deref(),
            Some("a")
        );
        assert!(matches!(
            ds.read_column("nope"),
            Err(Error::MissingColumn { .. })
        ));
        let digest = ds.sha256_with(&mut |_| {}).expect("digest");
        assert_eq!(digest.len(), 64);
        // The same content digests the same, another value does not.
        let same = frame(vec![1.0, f64::NAN, 3.0]).expect("frame");
        assert_eq!(same.sha256_with(&mut |_| {}).expect("digest"), digest);
        let other = frame(vec![1.0, f64::NAN, 3.5]).expect("frame");
        assert_ne!(other.sha256_with(&mut |_| {}).expect("digest"), digest);
        // Too many rows for the limits is refused before anything is read.
        let small = Limits {
            max_rows: 2,
            ..Limits::NATIVE
        };
        let columns = Columns(vec![("x".into(), Column::floats(vec![0.0; 3]))]);
        assert!(matches!(
            Dataset::from_frame("current", "f", Arc::new(columns), small),
            Err(Error::Limit { .. })
        ));
    }

    #[test]
    fn an_image_renamed_parquet_or_csv_is_neither() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        for name in ["photo.parquet", "photo.csv", "photo"] {
            let err = open(name, png).expect_err("refused").to_string();
            assert!(err.contains("not Parquet or CSV"), "{name}: {err}");
            assert!(err.contains("PNG image"), "{name}: {err}");
        }
        let err = open("book.parquet", b"PK\x03\x04rest")
            .expect_err("refused")
            .to_string();
        assert!(err.contains("ZIP archive"), "{err}");
        // text that merely starts with the same letters is still CSV
        assert!(open("g.csv", b"GIF,x\n1,2\n").is_ok());
    }

    #[test]
    fn csv_reads_columns() {
        let ds = open("a.csv", b"x,y\n1,a\n2,b\n3,\n").expect("valid csv");
        assert_eq!(ds.rows(), 3);
        assert_eq!(ds.format(), Format::Csv);
        let col = ds.read_column("x").expect("column x");
        assert_eq!(col.len(), 3);
        assert_eq!(
            ds.column_type("x"),
            Some(&ColumnType::Int {
                bits: 64,
                signed: true
            })
        );
        assert_eq!(ds.column_type("y"), Some(&ColumnType::Text));
        let y = ds.read_column("y").expect("column y");
        assert_eq!(y, Column::text([Some("a"), Some("b"), None]));
    }

    #[test]
    fn csv_infers_floats_booleans_and_text() {
        let ds = open("a.csv", b"f,b,t,n\n1.5,true,x,\n2,FALSE,1,\n,,2,\n").expect("valid csv");
        assert_eq!(ds.column_type("f"), Some(&ColumnType::Float { bits: 64 }));
        assert_eq!(ds.column_type("b"), Some(&ColumnType::Boolean));
        assert_eq!(ds.column_type("t"), Some(&ColumnType::Text));
        // an all-empty column is text with every row missing
        assert_eq!(ds.column_type("n"), Some(&ColumnType::Text));
        let f = crate::columns::to_numeric(&ds.read_column("f").expect("f")).expect("numbers");
        assert_eq!(f[..2], [1.5, 2.0]);
        assert!(f[2].is_nan());
    }

    #[test]
    fn csv_with_a_ragged_row_is_an_error() {
        let err = open("a.csv", b"x,y\n1,2\n3\n")
            .expect_err("ragged")
            .to_string();
        assert!(err.contains("not a readable CSV file"), "{err}");
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
