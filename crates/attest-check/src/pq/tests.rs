//! `pq` against the reference implementation: files written by the
//! `parquet` crate's Arrow writer in every compression, page version and
//! encoding Attest claims to read, decoded here and compared value by
//! value with what the `parquet` crate's own reader returns.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, DictionaryArray,
    Float32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt32Array, UInt64Array,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, GzipLevel, ZstdLevel};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;

use crate::columns::{to_codes, to_numeric, Column, ColumnType, Interner, Values, MISSING};
use crate::read::Dataset;
use crate::source::MemorySource;

const ROWS: usize = 3000;

fn batch() -> RecordBatch {
    let n = ROWS;
    let opt = |i: usize| i % 7 != 3;
    let words = ["alpha", "beta", "gamma", "delta", "épsilon", ""];
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "i32",
            Arc::new(Int32Array::from_iter(
                (0..n).map(|i| opt(i).then_some(i as i32 * 37 - 5000)),
            )),
        ),
        (
            "i64",
            Arc::new(Int64Array::from_iter_values(
                (0..n).map(|i| (i as i64).pow(3) - (1 << 40)),
            )),
        ),
        (
            "u32",
            Arc::new(UInt32Array::from_iter_values(
                (0..n).map(|i| u32::MAX - i as u32),
            )),
        ),
        (
            "u64",
            Arc::new(UInt64Array::from_iter_values(
                (0..n).map(|i| u64::MAX - i as u64),
            )),
        ),
        (
            "f32",
            Arc::new(Float32Array::from_iter(
                (0..n).map(|i| opt(i).then_some(i as f32 / 3.0)),
            )),
        ),
        (
            "f64",
            Arc::new(Float64Array::from_iter((0..n).map(|i| match i % 11 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(f64::NEG_INFINITY),
                _ => Some((i as f64).sin() * 1e3),
            }))),
        ),
        (
            "bool",
            Arc::new(BooleanArray::from_iter(
                (0..n).map(|i| opt(i).then_some(i % 3 == 0)),
            )),
        ),
        (
            "text",
            Arc::new(StringArray::from_iter((0..n).map(|i| {
                opt(i).then(|| format!("{}-{}", words[i % words.len()], i % 50))
            }))),
        ),
        (
            "unique",
            Arc::new(StringArray::from_iter_values(
                (0..n).map(|i| format!("row {i:06}")),
            )),
        ),
        (
            "binary",
            Arc::new(BinaryArray::from_iter_values(
                (0..n).map(|i| format!("b{}", i % 4).into_bytes()),
            )),
        ),
        (
            "dict",
            Arc::new(
                (0..n)
                    .map(|i| opt(i).then_some(words[i % 3]))
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
        ),
        (
            "date",
            Arc::new(Date32Array::from_iter_values(
                (0..n).map(|i| i as i32 * 3 - 1000),
            )),
        ),
        (
            "ts",
            Arc::new(
                TimestampMillisecondArray::from_iter_values(
                    (0..n).map(|i| 1_700_000_000_000 + i as i64 * 1_234),
                )
                .with_timezone("UTC"),
            ),
        ),
        (
            "dec",
            Arc::new(
                Decimal128Array::from_iter(
                    (0..n).map(|i| opt(i).then_some(i as i128 * 101 - 99_999)),
                )
                .with_precision_and_scale(12, 2)
                .expect("valid decimal"),
            ),
        ),
        (
            "dec_wide",
            Arc::new(
                Decimal128Array::from_iter_values(
                    (0..n).map(|i| (i as i128 - 1500) * 10i128.pow(20)),
                )
                .with_precision_and_scale(30, 3)
                .expect("valid decimal"),
            ),
        ),
    ];
    RecordBatch::try_from_iter(cols).expect("batch")
}

fn write(batch: &RecordBatch, props: WriterProperties) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, batch.schema(), Some(props)).expect("writer");
    // in several writes so that row groups and pages split mid-way
    for start in (0..batch.num_rows()).step_by(700) {
        let len = 700.min(batch.num_rows() - start);
        w.write(&batch.slice(start, len)).expect("write");
    }
    w.close().expect("close");
    buf
}

/// What the `parquet` crate reads back, one array per column.
fn reference(bytes: &[u8]) -> Vec<ArrayRef> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::copy_from_slice(bytes))
        .expect("reference reader")
        .with_batch_size(ROWS)
        .build()
        .expect("reference reader");
    let batches: Vec<RecordBatch> = reader.map(|b| b.expect("batch")).collect();
    let schema = batches[0].schema();
    let whole = arrow_select_concat(&batches);
    (0..schema.fields().len())
        .map(|i| whole.column(i).clone())
        .collect()
}

fn arrow_select_concat(batches: &[RecordBatch]) -> RecordBatch {
    assert_eq!(batches.len(), 1, "one batch of ROWS rows");
    batches[0].clone()
}

/// Row values as text (None = missing), for any column.
fn texts(column: &Column) -> Vec<Option<String>> {
    let mut interner = Interner::default();
    to_codes(column, &mut interner)
        .expect("codes")
        .into_iter()
        .map(|c| (c != MISSING).then(|| interner.name(c).unwrap_or_default().to_string()))
        .collect()
}

fn same_numbers(actual: &[f64], expected: impl Iterator<Item = Option<f64>>, what: &str) {
    let expected: Vec<Option<f64>> = expected.collect();
    assert_eq!(actual.len(), expected.len(), "{what}: rows");
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        match e {
            None => assert!(a.is_nan(), "{what} row {i}: {a} for null"),
            Some(e) if e.is_nan() => assert!(a.is_nan(), "{what} row {i}: {a} for NaN"),
            Some(e) => assert_eq!(a, e, "{what} row {i}"),
        }
    }
}

fn check(bytes: &[u8], what: &str) {
    let ds = Dataset::open(
        "reference",
        Arc::new(MemorySource::new("t.parquet", bytes.to_vec())),
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(ds.rows(), ROWS, "{what}");
    let expected = reference(bytes);
    for (info, e) in ds.columns().iter().zip(&expected) {
        let what = format!("{what}, column {}", info.name);
        let mut rows = 0;
        let col = ds
            .read_column_with(&info.name, &mut |r| rows = r)
            .unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(rows, ROWS, "{what}: progress reaches every row");
        assert_eq!(col.len(), ROWS, "{what}");
        let e = e.as_any();
        if let Some(a) = e.downcast_ref::<Int32Array>() {
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(f64::from)),
                &what,
            );
        } else if let Some(a) = e.downcast_ref::<Int64Array>() {
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(|x| x as f64)),
                &what,
            );
        } else if let Some(a) = e.downcast_ref::<UInt32Array>() {
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(f64::from)),
                &what,
            );
        } else if let Some(a) = e.downcast_ref::<UInt64Array>() {
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(|x| x as f64)),
                &what,
            );
            let t = texts(&col);
            assert_eq!(t[0].as_deref(), Some("18446744073709551615"), "{what}");
        } else if let Some(a) = e.downcast_ref::<Float32Array>() {
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(f64::from)),
                &what,
            );
        } else if let Some(a) = e.downcast_ref::<Float64Array>() {
            same_numbers(&to_numeric(&col).expect("n"), a.iter(), &what);
        } else if let Some(a) = e.downcast_ref::<Decimal128Array>() {
            let scale = 10f64.powi(i32::from(a.scale()));
            same_numbers(
                &to_numeric(&col).expect("n"),
                a.iter().map(|v| v.map(|x| x as f64 / scale)),
                &what,
            );
            assert!(
                matches!(col.ty, ColumnType::Decimal { .. }),
                "{what}: {:?}",
                col.ty
            );
        } else if let Some(a) = e.downcast_ref::<BooleanArray>() {
            let expected: Vec<Option<String>> =
                a.iter().map(|v| v.map(|b| b.to_string())).collect();
            assert_eq!(texts(&col), expected, "{what}");
        } else if let Some(a) = e.downcast_ref::<StringArray>() {
            let expected: Vec<Option<String>> = a.iter().map(|v| v.map(str::to_string)).collect();
            assert_eq!(texts(&col), expected, "{what}");
        } else if let Some(a) = e.downcast_ref::<BinaryArray>() {
            let expected: Vec<Option<String>> = a
                .iter()
                .map(|v| v.map(|b| String::from_utf8_lossy(b).into_owned()))
                .collect();
            assert_eq!(texts(&col), expected, "{what}");
        } else if let Some(a) = e.downcast_ref::<DictionaryArray<Int32Type>>() {
            let values = a
                .values()
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("utf8 values");
            let expected: Vec<Option<String>> = a
                .keys()
                .iter()
                .map(|k| k.map(|k| values.value(k as usize).to_string()))
                .collect();
            assert_eq!(texts(&col), expected, "{what}");
        } else if let Some(a) = e.downcast_ref::<Date32Array>() {
            let Values::Int { values, .. } = &col.values else {
                panic!("{what}: ints")
            };
            let expected: Vec<i64> = a.values().iter().map(|&d| i64::from(d)).collect();
            assert_eq!(values, &expected, "{what}");
            assert_eq!(col.ty, ColumnType::Date);
        } else if let Some(a) = e.downcast_ref::<TimestampMillisecondArray>() {
            let Values::Int { values, .. } = &col.values else {
                panic!("{what}: ints")
            };
            assert_eq!(values, &a.values().to_vec(), "{what}");
            assert_eq!(
                texts(&col)[0].as_deref(),
                Some("2023-11-14T22:13:20Z"),
                "{what}"
            );
        } else {
            panic!("{what}: no comparison for {:?}", e.type_id());
        }
    }
}

fn small_pages() -> parquet::file::properties::WriterPropertiesBuilder {
    WriterProperties::builder()
        .set_max_row_group_row_count(Some(1100))
        .set_data_page_row_count_limit(256)
        .set_write_batch_size(128)
}

#[test]
fn every_compression_and_page_version() {
    let b = batch();
    let codecs = [
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::GZIP(GzipLevel::default()),
        Compression::BROTLI(Default::default()),
        Compression::LZ4,
        Compression::LZ4_RAW,
        Compression::ZSTD(ZstdLevel::default()),
    ];
    for codec in codecs {
        for version in [WriterVersion::PARQUET_1_0, WriterVersion::PARQUET_2_0] {
            for dictionary in [true, false] {
                let props = small_pages()
                    .set_compression(codec)
                    .set_writer_version(version)
                    .set_dictionary_enabled(dictionary)
                    .build();
                check(
                    &write(&b, props),
                    &format!("{codec:?} {version:?} dictionary {dictionary}"),
                );
            }
        }
    }
}

#[test]
fn every_value_encoding() {
    let b = batch();
    let col = |name: &str| ColumnPath::from(name);
    let props = small_pages()
        .set_dictionary_enabled(false)
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_column_encoding(col("i32"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(col("i64"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(col("u64"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(col("date"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(col("ts"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(col("f32"), Encoding::BYTE_STREAM_SPLIT)
        .set_column_encoding(col("f64"), Encoding::BYTE_STREAM_SPLIT)
        .set_column_encoding(col("u32"), Encoding::BYTE_STREAM_SPLIT)
        .set_column_encoding(col("text"), Encoding::DELTA_LENGTH_BYTE_ARRAY)
        .set_column_encoding(col("unique"), Encoding::DELTA_BYTE_ARRAY)
        .set_column_encoding(col("binary"), Encoding::DELTA_BYTE_ARRAY)
        .set_column_encoding(col("dec_wide"), Encoding::DELTA_BYTE_ARRAY)
        .set_column_encoding(col("bool"), Encoding::RLE)
        .build();
    check(
        &write(&b, props),
        "delta, byte-stream-split and RLE encodings",
    );
    // one big page and row group per column: the streamed path's page walk
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    check(&write(&b, props), "default properties");
}

/// A source that counts its requests.
struct Counting {
    inner: MemorySource,
    calls: std::sync::Mutex<Vec<usize>>,
}

impl crate::source::ByteSource for Counting {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<bytes::Bytes> {
        self.calls.lock().expect("lock").push(1);
        self.inner.read_range(start, len)
    }
    fn read_ranges(&self, ranges: &[(u64, usize)]) -> std::io::Result<Vec<bytes::Bytes>> {
        self.calls.lock().expect("lock").push(ranges.len());
        ranges
            .iter()
            .map(|&(s, l)| self.inner.read_range(s, l))
            .collect()
    }
}

#[test]
fn a_columns_row_groups_are_fetched_together() {
    // 3000 rows in row groups of 1100: each column's three chunks in one
    // request; with a small batch, one request a chunk; the same values.
    let bytes = write(
        &batch(),
        small_pages().set_compression(Compression::SNAPPY).build(),
    );
    let counting = Arc::new(Counting {
        inner: MemorySource::new("t.parquet", bytes.clone()),
        calls: Default::default(),
    });
    let source: Arc<dyn crate::source::ByteSource> = counting.clone();
    let file = super::ParquetFile::open(source.as_ref()).expect("open");
    let plain: Arc<dyn crate::source::ByteSource> = Arc::new(MemorySource::new("t.parquet", bytes));
    let mut one_by_one = file.clone();
    one_by_one.batch_max = 1;
    for (i, info) in file.columns().iter().enumerate() {
        counting.calls.lock().expect("lock").clear();
        let batched = file.read_column(&source, i, &mut |_| {}, u64::MAX);
        let Ok(batched) = batched else { continue };
        assert_eq!(
            *counting.calls.lock().expect("lock"),
            [3],
            "column {}: one request for its three chunks",
            info.name
        );
        let single = one_by_one
            .read_column(&plain, i, &mut |_| {}, u64::MAX)
            .expect("one by one");
        assert_eq!(texts(&batched), texts(&single), "column {}", info.name);
    }
    counting.calls.lock().expect("lock").clear();
    let _ = one_by_one.read_column(&source, 0, &mut |_| {}, u64::MAX);
    assert_eq!(*counting.calls.lock().expect("lock"), [1, 1, 1]);
}

#[test]
fn chunks_read_page_by_page_decode_the_same() {
    // Column chunks over the prefetch limit are read page by page from the
    // source (page headers through a growing window); force that path.
    let b = batch();
    for version in [WriterVersion::PARQUET_1_0, WriterVersion::PARQUET_2_0] {
        let props = small_pages()
            .set_compression(Compression::SNAPPY)
            .set_writer_version(version)
            .build();
        let bytes = write(&b, props);
        let source: Arc<dyn crate::source::ByteSource> =
            Arc::new(MemorySource::new("t.parquet", bytes.clone()));
        let whole = super::ParquetFile::open(source.as_ref()).expect("open");
        let mut streamed = whole.clone();
        streamed.prefetch_max = 0;
        for (i, info) in whole.columns().iter().enumerate() {
            let a = whole
                .read_column(&source, i, &mut |_| {}, u64::MAX)
                .expect("whole");
            let s = streamed
                .read_column(&source, i, &mut |_| {}, u64::MAX)
                .expect("streamed");
            assert_eq!(texts(&a), texts(&s), "{version:?} column {}", info.name);
        }
    }
}

#[test]
fn corrupt_and_truncated_files_give_errors_not_panics() {
    let b = batch();
    let props = small_pages().set_compression(Compression::SNAPPY).build();
    let good = write(&b, props);
    let read_all = |bytes: Vec<u8>| -> Result<(), String> {
        let ds = Dataset::open("reference", Arc::new(MemorySource::new("t.parquet", bytes)))
            .map_err(|e| e.to_string())?;
        for name in ds.column_names() {
            ds.read_column(&name).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    read_all(good.clone()).expect("the intact file reads");
    // every cut of the footer, and cuts through the data
    for cut in (0..good.len()).rev().step_by(97) {
        let err = read_all(good[..cut].to_vec()).expect_err("truncated");
        assert!(!err.is_empty());
    }
    // flipped bytes everywhere: an error or a (wrong) read, never a panic
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..600 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut bad = good.clone();
        let at = (seed % bad.len() as u64) as usize;
        bad[at] ^= (seed >> 32) as u8 | 1;
        let _ = read_all(bad);
    }
}

#[test]
fn sizes_that_do_not_fit_are_errors_not_aborts() {
    // a footer or page header may claim any count: memory is reserved with
    // try_reserve, so an impossible claim is an error
    let leaf = super::meta::Leaf {
        leaf: 0,
        physical: super::Physical::Double,
        optional: true,
        ty: ColumnType::Float { bits: 64 },
    };
    let mut sink = super::Sink::new(&leaf, usize::MAX);
    let err = sink.admit(usize::MAX / 16).expect_err("too large");
    assert!(err.contains("do not fit in memory"), "{err}");
    // within a decode limit, the same claim is refused before any reserve
    let mut sink = super::Sink::new(&leaf, 1 << 20);
    let err = sink.admit(1 << 20).expect_err("over the limit");
    assert!(err.contains("decode limit"), "{err}");
    assert!(sink.admit(1000).is_ok());
    let err = super::encoding::rle_hybrid(&[0x02, 0x01], 1, usize::MAX / 2, &mut Vec::new())
        .expect_err("too large");
    assert!(err.contains("do not fit in memory"), "{err}");
    assert!(super::decompress(1, bytes::Bytes::from_static(b"\x05abc"), usize::MAX / 2).is_err());
}

#[test]
fn the_first_row_group_reserves_the_whole_column() {
    // 3000 rows in row groups of 1100: reading the first row group makes
    // room for every row of the column at once (one buffer, not a
    // reallocation and copy a row group); under a limit the column passes
    // but the row group fits, only the row group's.
    let bytes = write(
        &batch(),
        small_pages().set_compression(Compression::SNAPPY).build(),
    );
    let source: Arc<dyn crate::source::ByteSource> =
        Arc::new(MemorySource::new("t.parquet", bytes));
    let file = super::ParquetFile::open(source.as_ref()).expect("open");
    let index = file
        .columns()
        .iter()
        .position(|c| c.name == "i64")
        .expect("an i64 column");
    let leaf = file.meta.columns[index].leaf.clone().expect("a leaf");
    let group = file.meta.row_groups[0].rows as usize;
    assert!(group < ROWS, "several row groups");
    let first_group = |max_bytes: usize| {
        let mut sink = super::Sink::new(&leaf, max_bytes);
        sink.column_rows = ROWS;
        file.read_group(
            &source,
            0,
            &leaf,
            &mut Default::default(),
            &mut sink,
            &mut |_| {},
        )
        .expect("read");
        assert_eq!(sink.rows(), group);
        sink.ints.capacity()
    };
    assert!(first_group(usize::MAX) >= ROWS);
    assert!((group..ROWS).contains(&first_group(8 * ROWS - 1)));
}
