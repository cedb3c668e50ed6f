//! Hostile Parquet files (issue 11, "decoding budget"): small files whose
//! footer or pages claim far more than they hold, or whose values expand
//! far past the file. Memory must follow what is decoded, and the decode
//! limits (`read::Limits`, `[limits]`) turn the rest into an error that
//! names the file, the column and the limit.
//!
//! The files are made here (a minimal Thrift compact writer) and committed
//! in `tests/data/hostile/` for the CLI's tests; this test checks that the
//! committed files are still the ones made here (`ATTEST_WRITE_HOSTILE=1`
//! writes them anew). It is the only test of its binary, so the process's
//! peak resident memory (`VmHWM`) is its own.

use std::path::PathBuf;
use std::sync::Arc;

use attest_check::read::{Dataset, Datasets, Limits};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::MemorySource;
use attest_check::Config;

/// Thrift compact protocol, just what a Parquet footer and page header need.
#[derive(Default)]
struct Thrift {
    out: Vec<u8>,
    last: Vec<i16>,
}

impl Thrift {
    fn new() -> Self {
        Self {
            out: Vec::new(),
            last: vec![0],
        }
    }
    fn varint(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(b);
                return;
            }
            self.out.push(b | 0x80);
        }
    }
    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn field(&mut self, id: i16, kind: u8) {
        let last = self.last.last_mut().expect("in a struct");
        let delta = id - *last;
        *last = id;
        if (1..=15).contains(&delta) {
            self.out.push(((delta as u8) << 4) | kind);
        } else {
            self.out.push(kind);
            self.zigzag(i64::from(id));
        }
    }
    fn i32(&mut self, id: i16, v: i32) -> &mut Self {
        self.field(id, 5);
        self.zigzag(i64::from(v));
        self
    }
    fn i64(&mut self, id: i16, v: i64) -> &mut Self {
        self.field(id, 6);
        self.zigzag(v);
        self
    }
    fn binary(&mut self, id: i16, b: &[u8]) -> &mut Self {
        self.field(id, 8);
        self.varint(b.len() as u64);
        self.out.extend_from_slice(b);
        self
    }
    fn begin(&mut self, id: i16) -> &mut Self {
        self.field(id, 12);
        self.last.push(0);
        self
    }
    /// A struct as a list element.
    fn element(&mut self) -> &mut Self {
        self.last.push(0);
        self
    }
    fn end(&mut self) -> &mut Self {
        self.out.push(0);
        self.last.pop();
        self
    }
    fn list(&mut self, id: i16, kind: u8, n: usize) -> &mut Self {
        self.field(id, 9);
        if n < 15 {
            self.out.push(((n as u8) << 4) | kind);
        } else {
            self.out.push(0xf0 | kind);
            self.varint(n as u64);
        }
        self
    }
}

const DOUBLE: i32 = 5;
const BYTE_ARRAY: i32 = 6;

/// One column `x` of `physical` type; `pages` is the column chunk (page
/// headers and bodies), `rows` what the footer claims.
fn parquet(
    physical: i32,
    optional: bool,
    text: bool,
    rows: i64,
    pages: &[u8],
    dict: bool,
) -> Vec<u8> {
    let mut file = b"PAR1".to_vec();
    let start = file.len() as i64;
    file.extend_from_slice(pages);
    let mut t = Thrift::new();
    t.i32(1, 1);
    t.list(2, 12, 2);
    t.element().binary(4, b"schema").i32(5, 1).end();
    t.element()
        .i32(1, physical)
        .i32(3, i32::from(optional))
        .binary(4, b"x");
    if text {
        t.i32(6, 0); // UTF8
    }
    t.end();
    t.i64(3, rows);
    t.list(4, 12, 1);
    t.element();
    t.list(1, 12, 1);
    t.element().i64(2, start).begin(3);
    t.i32(1, physical);
    t.list(2, 5, 1);
    t.zigzag(0);
    t.list(3, 8, 1);
    t.varint(1);
    t.out.push(b'x');
    t.i32(4, 0)
        .i64(5, rows)
        .i64(6, pages.len() as i64)
        .i64(7, pages.len() as i64)
        .i64(9, start);
    if dict {
        t.i64(11, start);
    }
    t.end().end(); // meta_data, column chunk
    t.i64(2, pages.len() as i64).i64(3, rows).end(); // row group
    t.end(); // file metadata
    file.extend_from_slice(&t.out);
    file.extend_from_slice(&(t.out.len() as u32).to_le_bytes());
    file.extend_from_slice(b"PAR1");
    file
}

/// A page header (kind 0: data page v1, 2: dictionary page) and its body.
fn page(kind: i32, values: i32, encoding: i32, body: &[u8]) -> Vec<u8> {
    let mut t = Thrift::new();
    t.i32(1, kind)
        .i32(2, body.len() as i32)
        .i32(3, body.len() as i32);
    if kind == 2 {
        t.begin(7).i32(1, values).i32(2, encoding).end();
    } else {
        t.begin(5)
            .i32(1, values)
            .i32(2, encoding)
            .i32(3, 3)
            .i32(4, 3)
            .end();
    }
    t.end();
    let mut out = t.out;
    out.extend_from_slice(body);
    out
}

/// A RLE run of `n` copies of a `width`-bit value 0.
fn rle_run(n: u64, width: u32) -> Vec<u8> {
    let mut t = Thrift::new();
    t.varint(n << 1);
    t.out
        .extend(std::iter::repeat_n(0, width.div_ceil(8) as usize));
    t.out
}

/// DELTA_BINARY_PACKED of `first, first + delta, …` (`n` values): one
/// block of four miniblocks per 128 deltas, every bit width 0.
fn delta_packed(n: usize, first: i64, delta: i64) -> Vec<u8> {
    let mut t = Thrift::new();
    t.varint(128);
    t.varint(4);
    t.varint(n as u64);
    t.zigzag(first);
    for _ in 0..n.saturating_sub(1).div_ceil(128) {
        t.zigzag(delta);
        t.out.extend_from_slice(&[0, 0, 0, 0]);
    }
    t.out
}

/// The footer claims `rows` rows; the column chunk holds no page.
fn no_pages(rows: i64) -> Vec<u8> {
    parquet(DOUBLE, false, false, rows, &[], false)
}

/// A valid file: `n` rows of one optional double, all null — definition
/// levels that are one RLE run, no values.
fn all_null_run(n: u64) -> Vec<u8> {
    let levels = rle_run(n, 1);
    let mut body = (levels.len() as u32).to_le_bytes().to_vec();
    body.extend_from_slice(&levels);
    parquet(
        DOUBLE,
        true,
        false,
        n as i64,
        &page(0, n as i32, 0, &body),
        false,
    )
}

/// A valid file: a dictionary of one double, and `n` rows that all point
/// at it (one RLE run of indices).
fn dictionary_run(n: u64) -> Vec<u8> {
    let mut pages = page(2, 1, 0, &1.5f64.to_le_bytes());
    let mut body = vec![1u8];
    body.extend_from_slice(&rle_run(n, 1));
    pages.extend_from_slice(&page(0, n as i32, 8, &body));
    parquet(DOUBLE, false, false, n as i64, &pages, true)
}

/// A valid DELTA_BYTE_ARRAY column of `n` texts, each the previous one
/// plus one byte: the values hold n²/2 bytes.
fn delta_growth(n: usize) -> Vec<u8> {
    let mut body = delta_packed(n, 0, 1); // prefix lengths 0, 1, 2, …
    body.extend_from_slice(&delta_packed(n, 1, 0)); // suffix lengths 1, 1, …
    body.extend((0..n).map(|i| b'a' + (i % 26) as u8));
    parquet(
        BYTE_ARRAY,
        false,
        true,
        n as i64,
        &page(0, n as i32, 7, &body),
        false,
    )
}

fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("no_pages_2e27.parquet", no_pages(1 << 27)),
        ("no_pages_5e7.parquet", no_pages(50_000_000)),
        ("all_null_2e27.parquet", all_null_run(1 << 27)),
        ("dictionary_run_2e27.parquet", dictionary_run(1 << 27)),
        ("delta_growth.parquet", delta_growth(40_000)),
    ]
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/hostile")
}

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn open(name: &str, bytes: &[u8], limits: Limits) -> Result<Dataset, String> {
    Dataset::open_with(
        "current",
        Arc::new(MemorySource::new(name, bytes.to_vec())),
        limits,
    )
    .map_err(|e| e.to_string())
}

/// The whole run on `bytes` as both datasets: its error.
fn run_error(name: &str, bytes: &[u8], limits: Limits) -> String {
    let reference = match open(name, bytes, limits) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let current = open(name, bytes, limits).expect("opens as reference did");
    let err = run(
        Datasets::new(&reference, &current),
        &Config::default(),
        &RunOptions::default(),
        &NoProgress,
    )
    .expect_err("a hostile file is an error");
    err.to_string()
}

#[test]
fn hostile_files_give_clear_errors_in_bounded_memory() {
    let files = hostile_files();
    // The committed copies are these files.
    let dir = data_dir();
    for (name, bytes) in &files {
        let path = dir.join(name);
        if std::env::var_os("ATTEST_WRITE_HOSTILE").is_some() {
            std::fs::create_dir_all(&dir).expect("tests/data/hostile");
            std::fs::write(&path, bytes).expect("write");
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (ATTEST_WRITE_HOSTILE=1 writes it)", path.display())
        });
        assert!(
            committed == *bytes,
            "{name} differs from the committed copy"
        );
        assert!(bytes.len() < 64 * 1024, "{name} is {} bytes", bytes.len());
    }
    let get = |n: &str| &files.iter().find(|f| f.0 == n).expect("made").1;

    // The defaults refuse a claim of 2^27 rows when the file is opened.
    for name in [
        "no_pages_2e27.parquet",
        "all_null_2e27.parquet",
        "dictionary_run_2e27.parquet",
    ] {
        let e = open(name, get(name), Limits::NATIVE).expect_err("over the row limit");
        assert!(e.starts_with(name), "{e}");
        assert!(
            e.contains("134217728 rows") && e.contains("100000000 rows") && e.contains("max_rows"),
            "{e}"
        );
        let e = open(name, get(name), Limits::BROWSER).expect_err("over the row limit");
        assert!(e.contains("20000000 rows"), "{e}");
    }

    // A footer that claims 50 million rows (within the limit) over a chunk
    // with no page: an error once the chunk is read, with nothing
    // allocated for the rows claimed (the run's row hashes included).
    let e = run_error(
        "no_pages_5e7.parquet",
        get("no_pages_5e7.parquet"),
        Limits::NATIVE,
    );
    assert!(
        e.contains("no_pages_5e7.parquet") && e.contains("column `x`"),
        "{e}"
    );
    assert!(e.contains("ends after 0 of 50000000 rows"), "{e}");

    // With the row limit raised, the column's byte limit stops the
    // expanding pages before they are decoded.
    let raised = Limits {
        max_rows: 1 << 28,
        max_column_bytes: 64 << 20,
    };
    for name in ["all_null_2e27.parquet", "dictionary_run_2e27.parquet"] {
        let e = run_error(name, get(name), raised);
        assert!(e.starts_with(name) && e.contains("column `x`"), "{e}");
        assert!(
            e.contains("a page of 134217728 values would pass the decode limit of 67108864 bytes"),
            "{e}"
        );
        assert!(e.contains("max_column_bytes"), "{e}");
    }
    // DELTA_BYTE_ARRAY values that would hold 800 MB: stopped at the limit.
    let e = run_error("delta_growth.parquet", get("delta_growth.parquet"), raised);
    assert!(
        e.starts_with("delta_growth.parquet") && e.contains("column `x`"),
        "{e}"
    );
    assert!(e.contains("decode limit of 67108864 bytes"), "{e}");

    // Within the limits the same kinds of file decode, to what they hold.
    let small = delta_growth(300);
    let ds = open("small.parquet", &small, Limits::NATIVE).expect("opens");
    let column = ds.read_column("x").expect("decodes");
    let attest_check::columns::Values::Text { codes, dict } = &column.values else {
        panic!("text");
    };
    assert_eq!(codes.len(), 300);
    let texts: Vec<&str> = codes.iter().map(|&c| dict[c as usize].as_str()).collect();
    assert_eq!(texts[0], "a");
    assert_eq!(texts[2], "abc");
    assert_eq!(texts[299].len(), 300);
    let nulls = all_null_run(1000);
    let ds = open("nulls.parquet", &nulls, Limits::NATIVE).expect("opens");
    let attest_check::columns::Values::Float(v) = ds.read_column("x").expect("decodes").values
    else {
        panic!("floats");
    };
    assert!(v.len() == 1000 && v.iter().all(|x| x.is_nan()));

    // Every case above in little memory (each took gigabytes before).
    if let Some(peak) = peak_rss() {
        assert!(peak < 256 << 20, "peak resident memory {} MB", peak >> 20);
    }

    // With the defaults too, 800 MB of texts from a 43 KB file are refused
    // (after decoding up to the limit, which is the memory it takes).
    let e = run_error(
        "delta_growth.parquet",
        get("delta_growth.parquet"),
        Limits::BROWSER,
    );
    assert!(e.contains("decode limit of 536870912 bytes"), "{e}");
    let e = run_error(
        "delta_growth.parquet",
        get("delta_growth.parquet"),
        Limits::NATIVE,
    );
    assert!(e.contains("decode limit of 1073741824 bytes"), "{e}");
}
