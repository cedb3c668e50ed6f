//! Decoded columns and typed column views: numeric values or category codes.
//!
//! Readers ([`crate::read`]) produce a [`Column`]: its [`ColumnType`] and
//! its values in one of four storages (integers, floats, booleans, or text
//! as dictionary codes). Checks then ask for a view: a numeric view is
//! row-aligned `f64` with NaN marking every missing value (null or NaN; ±inf
//! are kept: they are values, not missing); a categorical view is row-aligned
//! codes into an [`Interner`] shared by the datasets being compared, with
//! [`MISSING`] for missing rows.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// How a column is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Integers, floats and decimals.
    Numeric,
    /// Strings, dictionaries, booleans and everything else.
    Categorical,
}

/// Unit of a time or timestamp column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Millis,
    Micros,
    Nanos,
}

impl TimeUnit {
    fn per_second(self) -> i64 {
        match self {
            TimeUnit::Millis => 1_000,
            TimeUnit::Micros => 1_000_000,
            TimeUnit::Nanos => 1_000_000_000,
        }
    }
    fn digits(self) -> usize {
        match self {
            TimeUnit::Millis => 3,
            TimeUnit::Micros => 6,
            TimeUnit::Nanos => 9,
        }
    }
}

/// The type of a column, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    Boolean,
    /// Integers of `bits` width; unsigned when `!signed`.
    Int {
        bits: u8,
        signed: bool,
    },
    /// Floating point of `bits` width (16, 32, 64).
    Float {
        bits: u8,
    },
    Decimal {
        precision: u32,
        scale: i32,
    },
    /// UTF-8 text (strings, enums, JSON).
    Text,
    /// Bytes without a text annotation, shown as text.
    Binary,
    Uuid,
    /// Days since 1970-01-01.
    Date,
    /// Time of day in `unit`s since midnight.
    Time {
        unit: TimeUnit,
    },
    /// `unit`s since 1970-01-01T00:00:00 (UTC when `utc`).
    Timestamp {
        unit: TimeUnit,
        utc: bool,
    },
    /// A list of floats per row (`list<double>`, `large_list<float>`),
    /// read only where a role takes one (class probabilities), never
    /// compared as a feature.
    FloatList {
        bits: u8,
    },
    /// A column Attest does not read (nested, repeated, intervals…), by name.
    Unsupported(String),
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = |u: &TimeUnit| match u {
            TimeUnit::Millis => "ms",
            TimeUnit::Micros => "us",
            TimeUnit::Nanos => "ns",
        };
        match self {
            ColumnType::Boolean => f.write_str("bool"),
            ColumnType::Int { bits, signed } => {
                write!(f, "{}int{bits}", if *signed { "" } else { "u" })
            }
            ColumnType::Float { bits: 16 } => f.write_str("float16"),
            ColumnType::Float { bits: 32 } => f.write_str("float"),
            ColumnType::Float { .. } => f.write_str("double"),
            ColumnType::Decimal { precision, scale } => write!(f, "decimal({precision}, {scale})"),
            ColumnType::Text => f.write_str("string"),
            ColumnType::Binary => f.write_str("binary"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::Time { unit: u } => write!(f, "time[{}]", unit(u)),
            ColumnType::Timestamp { unit: u, utc } => {
                write!(
                    f,
                    "timestamp[{}{}]",
                    unit(u),
                    if *utc { ", UTC" } else { "" }
                )
            }
            ColumnType::FloatList { bits: 32 } => f.write_str("list<float>"),
            ColumnType::FloatList { .. } => f.write_str("list<double>"),
            ColumnType::Unsupported(name) => f.write_str(name),
        }
    }
}

/// The kind of a column type (SPEC §2): integer, float and decimal are
/// numeric, everything else categorical. Nested types return `None`:
/// Attest does not compare them.
pub fn natural_kind(ty: &ColumnType) -> Option<Kind> {
    match ty {
        ColumnType::Int { .. } | ColumnType::Float { .. } | ColumnType::Decimal { .. } => {
            Some(Kind::Numeric)
        }
        ColumnType::Unsupported(_) | ColumnType::FloatList { .. } => None,
        _ => Some(Kind::Categorical),
    }
}

/// A list-of-floats column ([`ColumnType::FloatList`]): row `i`'s values
/// are `values[offsets[i]..offsets[i + 1]]` (NaN for a null value), and
/// `valid[i]` is false for a null list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FloatLists {
    pub offsets: Vec<usize>,
    pub values: Vec<f64>,
    pub valid: Vec<bool>,
}

impl FloatLists {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.valid.len()
    }
    /// Row `i`'s values; `None` for a null list or past the end.
    pub fn get(&self, i: usize) -> Option<&[f64]> {
        if !*self.valid.get(i)? {
            return None;
        }
        self.values
            .get(*self.offsets.get(i)?..*self.offsets.get(i + 1)?)
    }
    /// The longest list's length.
    pub fn max_len(&self) -> usize {
        self.offsets
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0)
    }
}

/// True for integer types (used to tell classes from regression targets).
pub fn is_integer_type(ty: &ColumnType) -> bool {
    matches!(ty, ColumnType::Int { .. })
}

/// Code of a missing value in a categorical view.
pub const MISSING: u32 = u32::MAX;

/// A decoded column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Integers, dates, times and timestamps; `valid[i]` is false for nulls
    /// (`None`: no nulls). Unsigned 64-bit values are stored by their bits.
    Int {
        values: Vec<i64>,
        valid: Option<Vec<bool>>,
    },
    /// Floats and decimals; NaN for nulls.
    Float(Vec<f64>),
    /// 0 = false, 1 = true, 2 = null.
    Bool(Vec<u8>),
    /// Codes into `dict`; [`MISSING`] for nulls.
    Text { codes: Vec<u32>, dict: Vec<String> },
}

/// One column of a dataset, all rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub ty: ColumnType,
    pub values: Values,
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Int { values, .. } => values.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Text { codes, .. } => codes.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A column of text values (`None` = null), e.g. for tests and CSV.
    pub fn text<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Column {
        let mut interner = Interner::default();
        let codes = values
            .into_iter()
            .map(|v| v.map_or(MISSING, |s| interner.intern(s)))
            .collect();
        Column {
            ty: ColumnType::Text,
            values: Values::Text {
                codes,
                dict: interner.into_names(),
            },
        }
    }

    /// A column of 64-bit floats (NaN = missing).
    pub fn floats(values: Vec<f64>) -> Column {
        Column {
            ty: ColumnType::Float { bits: 64 },
            values: Values::Float(values),
        }
    }

    /// A column of 64-bit integers (`None` = null).
    pub fn ints(values: impl IntoIterator<Item = Option<i64>>) -> Column {
        let (values, valid): (Vec<i64>, Vec<bool>) = values
            .into_iter()
            .map(|v| (v.unwrap_or(0), v.is_some()))
            .unzip();
        let valid = valid.iter().any(|v| !v).then_some(valid);
        Column {
            ty: ColumnType::Int {
                bits: 64,
                signed: true,
            },
            values: Values::Int { values, valid },
        }
    }

    /// A column of booleans (`None` = null).
    pub fn bools(values: impl IntoIterator<Item = Option<bool>>) -> Column {
        Column {
            ty: ColumnType::Boolean,
            values: Values::Bool(values.into_iter().map(|v| v.map_or(2, u8::from)).collect()),
        }
    }

    /// The text of row `i`'s value as [`to_codes`] writes it (`None` when
    /// missing or out of range).
    pub fn text_at(&self, i: usize) -> Option<String> {
        match &self.values {
            Values::Int { values, valid } => {
                let v = *values.get(i)?;
                is_valid(valid, i).then(|| self.int_text(v))
            }
            Values::Float(v) => v.get(i).filter(|x| !x.is_nan()).map(|x| format!("{x:?}")),
            Values::Bool(v) => match v.get(i)? {
                0 => Some("false".into()),
                1 => Some("true".into()),
                _ => None,
            },
            Values::Text { codes, dict } => dict.get(*codes.get(i)? as usize).cloned(),
        }
    }

    /// The number an integer-stored value stands for.
    fn int_value(&self, v: i64) -> f64 {
        match self.ty {
            ColumnType::Int {
                bits: 64,
                signed: false,
            } => v as u64 as f64,
            _ => v as f64,
        }
    }

    /// The text of an integer-stored value: the integer, or the date, time
    /// or timestamp it stands for.
    fn int_text(&self, v: i64) -> String {
        match self.ty {
            ColumnType::Int {
                bits: 64,
                signed: false,
            } => (v as u64).to_string(),
            ColumnType::Date => civil_date(v),
            ColumnType::Time { unit } => {
                let (secs, frac) = (
                    v.div_euclid(unit.per_second()),
                    v.rem_euclid(unit.per_second()),
                );
                format!(
                    "{:02}:{:02}:{:02}{}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60,
                    fraction(frac, unit)
                )
            }
            ColumnType::Timestamp { unit, utc } => {
                let (secs, frac) = (
                    v.div_euclid(unit.per_second()),
                    v.rem_euclid(unit.per_second()),
                );
                let (days, s) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
                format!(
                    "{}T{:02}:{:02}:{:02}{}{}",
                    civil_date(days),
                    s / 3600,
                    s / 60 % 60,
                    s % 60,
                    fraction(frac, unit),
                    if utc { "Z" } else { "" }
                )
            }
            _ => v.to_string(),
        }
    }
}

fn fraction(frac: i64, unit: TimeUnit) -> String {
    if frac == 0 {
        String::new()
    } else {
        format!(".{frac:0width$}", width = unit.digits())
    }
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
fn civil_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Marks a missing instant in [`to_instants`].
pub const NO_INSTANT: i64 = i64::MIN;

pub use crate::stats::chunks::{civil_from_days, days_from_civil};

/// An ISO 8601 / RFC 3339 date or date-time in text as nanoseconds since
/// 1970-01-01T00:00:00Z: `2024-03-05`, `2024-03-05T10:20`,
/// `2024-03-05 10:20:30.25`, with an optional `Z` or `±HH:MM` offset (none:
/// UTC). `None` when it is not one.
pub fn parse_instant(text: &str) -> Option<i64> {
    let t = text.trim();
    let b = t.as_bytes();
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(t.get(0..4)?)?, num(t.get(5..7)?)?, num(t.get(8..10)?)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&m) {
        return None;
    }
    let month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let max_day = month_days[(m - 1) as usize] + i64::from(m == 2 && leap);
    if !(1..=max_day).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m as u32, d as u32);
    let mut nanos: i128 = i128::from(days) * 86_400_000_000_000;
    let rest = &t[10..];
    if !rest.is_empty() {
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (hms, frac) = match clock.split_once('.') {
            Some((a, f)) => (a, f),
            None => (clock, ""),
        };
        let mut parts = hms.split(':');
        let h = num(parts.next()?)?;
        let mi = num(parts.next()?)?;
        let sec = match parts.next() {
            Some(p) => num(p)?,
            None => 0,
        };
        if parts.next().is_some() || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let mut frac_nanos = 0i64;
        if !frac.is_empty() {
            if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            frac_nanos = num(frac)? * 10i64.pow(9 - frac.len() as u32);
        }
        nanos += i128::from((h * 60 + mi) * 60 + sec) * 1_000_000_000 + i128::from(frac_nanos);
        if !offset.is_empty() && !offset.eq_ignore_ascii_case("z") {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let o = offset[1..].replace(':', "");
            if o.len() != 4 {
                return None;
            }
            let (oh, om) = (num(&o[..2])?, num(&o[2..])?);
            nanos -= i128::from(sign * (oh * 60 + om)) * 60_000_000_000;
        }
    }
    i64::try_from(nanos).ok().filter(|n| *n != NO_INSTANT)
}

/// Whether row `i` of integer values with this validity holds a value.
fn is_valid(valid: &Option<Vec<bool>>, i: usize) -> bool {
    valid
        .as_ref()
        .is_none_or(|ok| ok.get(i).copied().unwrap_or(false))
}

/// Row-aligned instants in nanoseconds since 1970-01-01T00:00:00Z, with
/// [`NO_INSTANT`] for a missing value: timestamps (any unit; without a time
/// zone they are taken as UTC), dates (midnight UTC), and text holding ISO
/// 8601 dates or date-times (CSV). Errors name the first value that is not
/// an instant, or one outside the years 1678–2261 that 64-bit nanoseconds
/// hold.
pub fn to_instants(column: &Column) -> Result<Vec<i64>, String> {
    let scale: i64 = match &column.ty {
        ColumnType::Timestamp { unit, .. } => 1_000_000_000 / unit.per_second(),
        ColumnType::Date => 86_400_000_000_000,
        ColumnType::Text => {
            let Values::Text { codes, dict } = &column.values else {
                return Err("text column without text values".into());
            };
            let parsed = dict
                .iter()
                .map(|s| {
                    parse_instant(s).ok_or_else(|| {
                        format!("cannot read as a time: value {s:?} is not an ISO 8601 date or date-time")
                    })
                })
                .collect::<Result<Vec<i64>, String>>()?;
            return Ok(codes
                .iter()
                .map(|&c| parsed.get(c as usize).copied().unwrap_or(NO_INSTANT))
                .collect());
        }
        other => {
            return Err(format!(
                "is not a timestamp or a date (type {other}); give a timestamp, date or ISO 8601 text column"
            ))
        }
    };
    let Values::Int { values, valid } = &column.values else {
        return Err("time column without integer values".into());
    };
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if !is_valid(valid, i) {
                return Ok(NO_INSTANT);
            }
            v.checked_mul(scale)
                .filter(|n| *n != NO_INSTANT)
                .ok_or_else(|| {
                    format!(
                        "the time {} is outside the years 1678–2261 that Attest compares at nanosecond precision",
                        column.int_text(v)
                    )
                })
        })
        .collect()
}

/// Row-aligned keys for matching values across datasets (ids): integers,
/// dates and times by their stored value (text that reads as an integer
/// too, so `"7"` matches `7`), other values by a 64-bit hash of their text
/// as [`to_codes`] writes it. `None`
/// for a missing value. Distinct texts share a key with probability about
/// 2⁻⁶⁴ a pair.
pub fn to_keys(column: &Column) -> Keys {
    fn text_key(s: &str) -> u64 {
        if let Ok(i) = s.trim().parse::<i64>() {
            return i as u64;
        }
        // FNV-1a, then a SplitMix64 finaliser; the top bit set keeps text
        // keys apart from small integers.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (h ^ (h >> 31)) | (1 << 63)
    }
    match &column.values {
        Values::Int { values, valid } => values
            .iter()
            .enumerate()
            .map(|(i, &v)| is_valid(valid, i).then_some(v as u64))
            .collect(),
        Values::Text { codes, dict } => {
            let keys: Vec<u64> = dict.iter().map(|s| text_key(s)).collect();
            codes
                .iter()
                .map(|&c| keys.get(c as usize).copied())
                .collect()
        }
        _ => {
            let mut interner = Interner::default();
            let codes = to_codes(column, &mut interner).unwrap_or_default();
            let keys: Vec<u64> = interner.names.iter().map(|s| text_key(s)).collect();
            codes
                .iter()
                .map(|&c| keys.get(c as usize).copied())
                .collect()
        }
    }
}

/// Row-aligned keys ([`to_keys`]) held compactly: 8 bytes a row and a bit
/// for each row without one (none when every row has one), instead of 16
/// for `Option<u64>`.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    keys: Vec<u64>,
    /// Bit `i % 64` of word `i / 64`: row `i` has no key. Up to the last
    /// row without one (empty when every row has one).
    missing: Vec<u64>,
}

impl Keys {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    /// Row `i`'s key (`None`: missing, or past the rows).
    pub fn get(&self, i: usize) -> Option<u64> {
        let missing = self
            .missing
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1);
        if missing {
            None
        } else {
            self.keys.get(i).copied()
        }
    }
    /// Every row's key in row order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<u64>> + Clone + '_ {
        (0..self.keys.len()).map(|i| self.get(i))
    }
    /// Rows without a key.
    pub fn missing(&self) -> usize {
        self.missing.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Equal when every row's key is (the bitmap's length depends on how the
/// keys were collected).
impl PartialEq for Keys {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<Option<u64>> for Keys {
    fn from_iter<I: IntoIterator<Item = Option<u64>>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut keys = Vec::with_capacity(iter.size_hint().0);
        let mut missing: Vec<u64> = Vec::new();
        for (i, k) in iter.enumerate() {
            match k {
                Some(k) => keys.push(k),
                None => {
                    if missing.len() <= i / 64 {
                        missing.resize(i / 64 + 1, 0);
                    }
                    missing[i / 64] |= 1 << (i % 64);
                    keys.push(0);
                }
            }
        }
        Keys { keys, missing }
    }
}

/// The (key, row) pairs of the present keys ([`to_keys`]), sorted by key
/// (equal keys keep row order).
pub fn keyed_rows(keys: &Keys) -> Vec<(u64, u32)> {
    let present = keys.len() - keys.missing();
    let mut v: Vec<(u64, u32)> = Vec::with_capacity(present);
    v.extend(
        keys.iter()
            .enumerate()
            .filter_map(|(i, k)| k.map(|k| (k, i as u32))),
    );
    crate::stats::sort::sort_words(&mut v);
    v
}

/// Each distinct key of two [`keyed_rows`] lists, ascending, with the
/// ranges of `a` and of `b` that hold it (one of them may be empty): one
/// merge walk.
pub fn key_runs(
    a: &[(u64, u32)],
    b: &[(u64, u32)],
    mut f: impl FnMut(u64, std::ops::Range<usize>, std::ops::Range<usize>),
) {
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        let key = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.0.min(y.0),
            (Some(x), None) => x.0,
            (None, Some(y)) => y.0,
            (None, None) => break,
        };
        let (i0, j0) = (i, j);
        while a.get(i).is_some_and(|p| p.0 == key) {
            i += 1;
        }
        while b.get(j).is_some_and(|p| p.0 == key) {
            j += 1;
        }
        f(key, i0..i, j0..j);
    }
}

/// [`to_numeric`] of a column no longer needed: floats are moved, not copied.
pub fn into_numeric(column: Column) -> Result<Vec<f64>, String> {
    match column.values {
        Values::Float(v) => Ok(v),
        _ => to_numeric(&column),
    }
}

/// Row-aligned numeric values: NaN marks a missing value (null or NaN).
///
/// Errors (as text, the caller adds the file and column) when a value cannot
/// be read as a number, e.g. a string column whose kind was overridden to
/// numeric holds "abc". Booleans read as 0 and 1.
pub fn to_numeric(column: &Column) -> Result<Vec<f64>, String> {
    Ok(match &column.values {
        Values::Float(v) => v.clone(),
        Values::Int { values, valid } => match valid {
            None => values.iter().map(|&v| column.int_value(v)).collect(),
            Some(valid) => values
                .iter()
                .zip(valid)
                .map(|(&v, &ok)| if ok { column.int_value(v) } else { f64::NAN })
                .collect(),
        },
        Values::Bool(v) => v
            .iter()
            .map(|&b| if b == 2 { f64::NAN } else { f64::from(b) })
            .collect(),
        Values::Text { codes, dict } => {
            let numbers = dict
                .iter()
                .map(|s| {
                    s.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("cannot read as numbers: value {s:?} is not a number"))
                })
                .collect::<Result<Vec<f64>, String>>()?;
            codes
                .iter()
                .map(|&c| numbers.get(c as usize).copied().unwrap_or(f64::NAN))
                .collect()
        }
    })
}

/// Category names ↔ codes, shared by the datasets of one column so that the
/// same category has the same code everywhere.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    /// Each name is held once, shared by the map and the list.
    map: HashMap<std::sync::Arc<str>, u32>,
    names: Vec<std::sync::Arc<str>>,
}

impl Interner {
    /// Code of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.map.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        let name: std::sync::Arc<str> = name.into();
        self.map.insert(name.clone(), code);
        self.names.push(name);
        code
    }
    /// Code of `name` if known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.map.get(name).copied()
    }
    /// Number of categories.
    pub fn len(&self) -> usize {
        self.names.len()
    }
    /// True when no category has been seen.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    /// The names, by code.
    pub fn into_names(self) -> Vec<String> {
        drop(self.map);
        self.names.iter().map(|n| n.to_string()).collect()
    }
    /// Name of a code.
    pub fn name(&self, code: u32) -> Option<&str> {
        self.names.get(code as usize).map(|n| &**n)
    }
}

/// Row-aligned category codes; missing rows get [`MISSING`]. Booleans become
/// `true`/`false`, numbers their shortest text (floats always with a
/// decimal point or exponent, as `1.0`), dates and times ISO 8601; float NaN
/// is missing. Categories are interned in the order rows first show them.
pub fn to_codes(column: &Column, interner: &mut Interner) -> Result<Vec<u32>, String> {
    Ok(match &column.values {
        Values::Text { codes, dict } => {
            let mut map = vec![MISSING; dict.len()];
            codes
                .iter()
                .map(|&c| match map.get_mut(c as usize) {
                    None => MISSING,
                    Some(m) if *m != MISSING => *m,
                    Some(m) => {
                        *m = interner.intern(dict.get(c as usize).map_or("", String::as_str));
                        *m
                    }
                })
                .collect()
        }
        Values::Bool(v) => v
            .iter()
            .map(|&b| match b {
                0 => interner.intern("false"),
                1 => interner.intern("true"),
                _ => MISSING,
            })
            .collect(),
        Values::Int { values, valid } => {
            let mut seen: HashMap<i64, u32> = HashMap::new();
            values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    if !is_valid(valid, i) {
                        return MISSING;
                    }
                    *seen
                        .entry(v)
                        .or_insert_with(|| interner.intern(&column.int_text(v)))
                })
                .collect()
        }
        Values::Float(v) => {
            let mut seen: HashMap<u64, u32> = HashMap::new();
            v.iter()
                .map(|&x| {
                    if x.is_nan() {
                        MISSING
                    } else {
                        *seen
                            .entry(x.to_bits())
                            .or_insert_with(|| interner.intern(&format!("{x:?}")))
                    }
                })
                .collect()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_spec() {
        let int = ColumnType::Int {
            bits: 64,
            signed: true,
        };
        assert_eq!(natural_kind(&int), Some(Kind::Numeric));
        let dec = ColumnType::Decimal {
            precision: 10,
            scale: 2,
        };
        assert_eq!(natural_kind(&dec), Some(Kind::Numeric));
        assert_eq!(natural_kind(&ColumnType::Text), Some(Kind::Categorical));
        assert_eq!(natural_kind(&ColumnType::Boolean), Some(Kind::Categorical));
        assert_eq!(natural_kind(&ColumnType::Date), Some(Kind::Categorical));
        assert_eq!(natural_kind(&ColumnType::Unsupported("list".into())), None);
    }

    #[test]
    fn numeric_marks_nulls_and_nan_missing() {
        let a = Column::floats(vec![1.0, f64::NAN, f64::INFINITY]);
        let v = to_numeric(&a).expect("numeric");
        assert_eq!(v[0], 1.0);
        assert!(v[1].is_nan());
        assert_eq!(v[2], f64::INFINITY);
        let b = Column::ints([Some(7), None]);
        let v = to_numeric(&b).expect("numeric");
        assert_eq!(v[0], 7.0);
        assert!(v[1].is_nan());
    }

    #[test]
    fn numeric_from_bad_strings_names_the_value() {
        let a = Column::text([Some("1.5"), Some("abc")]);
        let err = to_numeric(&a).expect_err("not numbers");
        assert!(err.contains("\"abc\""), "{err}");
        let ok = to_numeric(&Column::text([Some(" 2.5"), None])).expect("numbers");
        assert_eq!(ok[0], 2.5);
        assert!(ok[1].is_nan());
    }

    #[test]
    fn codes_share_an_interner_in_row_order() {
        let mut interner = Interner::default();
        let a = Column::text([Some("x"), None, Some("y")]);
        // dictionary order differs from row order
        let b = Column {
            ty: ColumnType::Text,
            values: Values::Text {
                codes: vec![1, 0, MISSING],
                dict: vec!["y".into(), "z".into()],
            },
        };
        assert_eq!(
            to_codes(&a, &mut interner).expect("codes"),
            vec![0, MISSING, 1]
        );
        assert_eq!(
            to_codes(&b, &mut interner).expect("codes"),
            vec![2, 1, MISSING]
        );
        assert_eq!(interner.name(2), Some("z"));
    }

    #[test]
    fn booleans_numbers_and_dates_as_categories() {
        let mut interner = Interner::default();
        let a = Column::bools([Some(true), Some(false), None]);
        assert_eq!(
            to_codes(&a, &mut interner).expect("codes"),
            vec![0, 1, MISSING]
        );
        assert_eq!(interner.name(0), Some("true"));
        let f = Column::floats(vec![1.5, f64::NAN, 1.0]);
        assert_eq!(
            to_codes(&f, &mut interner).expect("codes"),
            vec![2, MISSING, 3]
        );
        assert_eq!(interner.name(3), Some("1.0"));
        let d = Column {
            ty: ColumnType::Date,
            values: Values::Int {
                values: vec![0, 19_723, -1],
                valid: None,
            },
        };
        to_codes(&d, &mut interner).expect("codes");
        assert_eq!(interner.name(4), Some("1970-01-01"));
        assert_eq!(interner.name(5), Some("2024-01-01"));
        assert_eq!(interner.name(6), Some("1969-12-31"));
        let t = Column {
            ty: ColumnType::Timestamp {
                unit: TimeUnit::Millis,
                utc: true,
            },
            values: Values::Int {
                values: vec![1_704_067_200_123],
                valid: None,
            },
        };
        to_codes(&t, &mut interner).expect("codes");
        assert_eq!(interner.name(7), Some("2024-01-01T00:00:00.123Z"));
    }

    #[test]
    fn instants_from_timestamps_dates_and_text() {
        let t = Column {
            ty: ColumnType::Timestamp {
                unit: TimeUnit::Millis,
                utc: true,
            },
            values: Values::Int {
                values: vec![1_704_067_200_123, 0],
                valid: Some(vec![true, false]),
            },
        };
        assert_eq!(
            to_instants(&t).expect("instants"),
            vec![1_704_067_200_123_000_000, NO_INSTANT]
        );
        let d = Column {
            ty: ColumnType::Date,
            values: Values::Int {
                values: vec![19_723],
                valid: None,
            },
        };
        assert_eq!(
            to_instants(&d).expect("instants"),
            vec![1_704_067_200_000_000_000]
        );
        let s = Column::text([
            Some("2024-01-01"),
            Some("2024-01-01T00:00:00.5Z"),
            Some("2024-01-01 01:00:00+01:00"),
            None,
        ]);
        assert_eq!(
            to_instants(&s).expect("instants"),
            vec![
                1_704_067_200_000_000_000,
                1_704_067_200_500_000_000,
                1_704_067_200_000_000_000,
                NO_INSTANT
            ]
        );
        let bad = Column::text([Some("2024-02-30")]);
        assert!(to_instants(&bad)
            .expect_err("no such day")
            .contains("2024-02-30"));
        let far = Column {
            ty: ColumnType::Date,
            values: Values::Int {
                values: vec![days_from_civil(9999, 12, 31)],
                valid: None,
            },
        };
        assert!(to_instants(&far)
            .expect_err("out of range")
            .contains("9999-12-31"));
        let ints = Column::ints([Some(5)]);
        assert!(to_instants(&ints)
            .expect_err("not a time")
            .contains("int64"));
    }

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 59, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }

    #[test]
    fn keys_match_integers_and_their_text() {
        let a = to_keys(&Column::ints([Some(7), None]));
        let b = to_keys(&Column::text([Some("7"), Some("x"), Some("y")]));
        assert_eq!(a.get(0), b.get(0));
        assert_eq!(a.get(1), None);
        assert_ne!(b.get(1), b.get(2));
        assert_ne!(b.get(1), Some(7));
        assert_eq!((a.len(), a.missing(), b.missing()), (2, 1, 0));
        // a missing row past the first 64, and rows past the end
        let c: Keys = (0..130).map(|i| (i != 100).then_some(i)).collect();
        assert_eq!(c.iter().filter(Option::is_none).count(), 1);
        assert_eq!((c.get(99), c.get(100), c.get(130)), (Some(99), None, None));
        // the same keys however they were collected
        let d: Keys = (0..130)
            .map(|i| (i != 100).then_some(i))
            .filter(|_| true)
            .collect();
        assert_eq!(c, d);
        assert_ne!(c, (0..130).map(Some).collect::<Keys>());
    }

    #[test]
    fn unsigned_64_reads_by_bits() {
        let c = Column {
            ty: ColumnType::Int {
                bits: 64,
                signed: false,
            },
            values: Values::Int {
                values: vec![-1],
                valid: None,
            },
        };
        assert_eq!(to_numeric(&c).expect("numeric")[0], u64::MAX as f64);
        let mut interner = Interner::default();
        to_codes(&c, &mut interner).expect("codes");
        assert_eq!(interner.name(0), Some("18446744073709551615"));
    }
}
