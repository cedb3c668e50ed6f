//! Arrow record batches → Attest's columns: a data frame as one more kind
//! of dataset ([`attest_check::read::FrameSource`]).
//!
//! A column is converted only when the run asks for it, with the values and
//! types a Parquet file of the same table gives (pyarrow's `write_table`):
//! integers stay integers (unsigned 64-bit by their bits), floats widen to
//! f64 exactly, decimals are their unscaled integer over 10^scale, texts
//! (plain, large, view or dictionary-encoded) become codes, dates are days,
//! times and timestamps keep their unit (seconds become milliseconds, as
//! Parquet stores them), a timestamp with a time zone is UTC, and lists of
//! floats are class scores. A type Attest does not read is named, not
//! guessed at.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type,
    DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
    Float64Type, Int64Type, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, SchemaRef, TimeUnit as ArrowUnit};
use attest_check::columns::{Column, ColumnType, FloatLists, Interner, TimeUnit, Values, MISSING};
use attest_check::read::{ColumnInfo, FrameSource};

/// A table held as Arrow record batches (all of one schema).
pub struct ArrowFrame {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    rows: usize,
}

impl ArrowFrame {
    /// The batches of one stream, in order.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        Self {
            schema,
            batches,
            rows,
        }
    }

    fn arrays(&self, index: usize) -> Vec<&ArrayRef> {
        self.batches.iter().map(|b| b.column(index)).collect()
    }

    fn field(&self, index: usize) -> Result<&Field, String> {
        self.schema
            .fields()
            .get(index)
            .map(|f| f.as_ref())
            .ok_or_else(|| format!("no column {index}"))
    }
}

/// Attest's type for an Arrow field (see the module's comment).
pub fn column_type(field: &Field) -> ColumnType {
    if field
        .metadata()
        .get("ARROW:extension:name")
        .is_some_and(|n| n == "arrow.uuid")
    {
        return ColumnType::Uuid;
    }
    data_type(field.data_type())
}

fn unit(u: &ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second | ArrowUnit::Millisecond => TimeUnit::Millis,
        ArrowUnit::Microsecond => TimeUnit::Micros,
        ArrowUnit::Nanosecond => TimeUnit::Nanos,
    }
}

fn data_type(dt: &DataType) -> ColumnType {
    let int = |bits, signed| ColumnType::Int { bits, signed };
    match dt {
        DataType::Boolean => ColumnType::Boolean,
        DataType::Int8 => int(8, true),
        DataType::Int16 => int(16, true),
        DataType::Int32 => int(32, true),
        DataType::Int64 => int(64, true),
        DataType::UInt8 => int(8, false),
        DataType::UInt16 => int(16, false),
        DataType::UInt32 => int(32, false),
        DataType::UInt64 => int(64, false),
        // A column of nulls only: Parquet stores it as 32-bit integers.
        DataType::Null => int(32, true),
        // Parquet has no durations: pyarrow writes their integers.
        DataType::Duration(_) => int(64, true),
        DataType::Float16 => ColumnType::Float { bits: 16 },
        DataType::Float32 => ColumnType::Float { bits: 32 },
        DataType::Float64 => ColumnType::Float { bits: 64 },
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => ColumnType::Decimal {
            precision: u32::from(*p),
            scale: i32::from(*s),
        },
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => ColumnType::Decimal {
            precision: u32::from(*p),
            scale: i32::from(*s),
        },
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ColumnType::Text,
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => ColumnType::Binary,
        DataType::Date32 | DataType::Date64 => ColumnType::Date,
        DataType::Time32(u) | DataType::Time64(u) => ColumnType::Time { unit: unit(u) },
        DataType::Timestamp(u, tz) => ColumnType::Timestamp {
            unit: unit(u),
            utc: tz.is_some(),
        },
        DataType::Dictionary(_, value) => data_type(value),
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => {
            match item.data_type() {
                DataType::Float32 | DataType::Float16 => ColumnType::FloatList { bits: 32 },
                DataType::Float64 => ColumnType::FloatList { bits: 64 },
                other => ColumnType::Unsupported(format!("list<{other}>")),
            }
        }
        other => ColumnType::Unsupported(other.to_string()),
    }
}

/// The bytes a converted column takes (values and flags), for the limits.
fn bytes_of(ty: &ColumnType, rows: usize) -> u64 {
    let per_row = match ty {
        ColumnType::Boolean => 1,
        ColumnType::Text | ColumnType::Binary | ColumnType::Uuid => 4,
        _ => 9,
    };
    rows as u64 * per_row
}

fn cast(array: &ArrayRef, to: &DataType) -> Result<ArrayRef, String> {
    arrow_cast::cast(array.as_ref(), to).map_err(|e| e.to_string())
}

impl FrameSource for ArrowFrame {
    fn columns(&self) -> Vec<ColumnInfo> {
        self.schema
            .fields()
            .iter()
            .map(|f| ColumnInfo {
                name: f.name().clone(),
                ty: column_type(f),
            })
            .collect()
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn read_column(&self, index: usize, max_bytes: u64) -> Result<Column, String> {
        let field = self.field(index)?;
        let ty = column_type(field);
        let need = bytes_of(&ty, self.rows);
        if need > max_bytes {
            return Err(format!(
                "the column takes about {need} bytes, more than the decode limit of {max_bytes} bytes of one column (raise it with `[limits] max_column_bytes`)"
            ));
        }
        let arrays = self.arrays(index);
        let values = match &ty {
            ColumnType::Unsupported(name) => {
                return Err(format!("Attest cannot read a column of type {name}"))
            }
            ColumnType::FloatList { .. } => {
                return Err("a list column is read as class scores only".into())
            }
            ColumnType::Boolean => Values::Bool(booleans(&arrays)?),
            ColumnType::Float { .. } => Values::Float(floats(&arrays)?),
            ColumnType::Decimal { scale, .. } => Values::Float(decimals(&arrays, *scale)?),
            ColumnType::Text | ColumnType::Binary | ColumnType::Uuid => texts(&arrays, &ty)?,
            ColumnType::Int { .. }
            | ColumnType::Date
            | ColumnType::Time { .. }
            | ColumnType::Timestamp { .. } => integers(&arrays)?,
        };
        Ok(Column { ty, values })
    }

    fn read_float_lists(&self, index: usize, max_bytes: u64) -> Result<FloatLists, String> {
        let field = self.field(index)?;
        let mut out = FloatLists {
            offsets: vec![0],
            values: Vec::new(),
            valid: Vec::with_capacity(self.rows),
        };
        for array in self.arrays(index) {
            let (item_values, bounds): (ArrayRef, Vec<Option<(usize, usize)>>) =
                match array.data_type() {
                    DataType::List(_) => list_bounds(array.as_list::<i32>()),
                    DataType::LargeList(_) => list_bounds(array.as_list::<i64>()),
                    DataType::FixedSizeList(_, n) => {
                        let l = array.as_fixed_size_list();
                        let n = *n as usize;
                        (
                            l.values().clone(),
                            (0..l.len())
                                .map(|i| l.is_valid(i).then(|| (i * n, (i + 1) * n)))
                                .collect(),
                        )
                    }
                    other => {
                        return Err(format!(
                            "column `{}` is {other}, not a list of floats",
                            field.name()
                        ))
                    }
                };
            let item_values = cast(&item_values, &DataType::Float64)?;
            let item_values = item_values.as_primitive::<Float64Type>();
            for b in bounds {
                match b {
                    Some((start, end)) => {
                        for j in start..end {
                            out.values.push(if item_values.is_valid(j) {
                                item_values.value(j)
                            } else {
                                f64::NAN
                            });
                        }
                        out.valid.push(true);
                    }
                    None => out.valid.push(false),
                }
                out.offsets.push(out.values.len());
            }
            if out.values.len() as u64 * 8 > max_bytes {
                return Err(format!(
                    "the list column takes more than the decode limit of {max_bytes} bytes of one column"
                ));
            }
        }
        Ok(out)
    }
}

/// A list array's values and each row's range of them (`None`: a null list).
fn list_bounds<O: arrow_array::OffsetSizeTrait>(
    l: &arrow_array::GenericListArray<O>,
) -> (ArrayRef, Vec<Option<(usize, usize)>>) {
    let o = l.value_offsets();
    let bounds = (0..l.len())
        .map(|i| {
            l.is_valid(i)
                .then(|| (o[i].as_usize(), o[i + 1].as_usize()))
        })
        .collect();
    (l.values().clone(), bounds)
}

fn booleans(arrays: &[&ArrayRef]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for a in arrays {
        let b = a.as_boolean_opt().ok_or("not a boolean array")?;
        out.extend(b.iter().map(|v| match v {
            Some(true) => 1,
            Some(false) => 0,
            None => 2,
        }));
    }
    Ok(out)
}

fn floats(arrays: &[&ArrayRef]) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    for a in arrays {
        let a = cast(a, &DataType::Float64)?;
        out.extend(
            a.as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.unwrap_or(f64::NAN)),
        );
    }
    Ok(out)
}

/// Unscaled integers over 10^scale, as the Parquet reader computes them.
fn decimals(arrays: &[&ArrayRef], scale: i32) -> Result<Vec<f64>, String> {
    let div = 10f64.powi(scale);
    let mut out = Vec::new();
    for a in arrays {
        let a = match a.data_type() {
            DataType::Dictionary(_, value) => cast(a, value)?,
            _ => (*a).clone(),
        };
        let push = |out: &mut Vec<f64>, v: Option<f64>| out.push(v.map_or(f64::NAN, |v| v / div));
        match a.data_type() {
            DataType::Decimal32(..) => a
                .as_primitive::<Decimal32Type>()
                .iter()
                .for_each(|v| push(&mut out, v.map(f64::from))),
            DataType::Decimal64(..) => a
                .as_primitive::<Decimal64Type>()
                .iter()
                .for_each(|v| push(&mut out, v.map(|v| v as f64))),
            DataType::Decimal128(..) => a
                .as_primitive::<Decimal128Type>()
                .iter()
                .for_each(|v| push(&mut out, v.map(|v| v as f64))),
            DataType::Decimal256(..) => a
                .as_primitive::<Decimal256Type>()
                .iter()
                .for_each(|v| push(&mut out, v.and_then(|v| v.to_string().parse().ok()))),
            other => return Err(format!("{other} is not a decimal")),
        }
    }
    Ok(out)
}

/// Integers, dates (days), times and timestamps (in their Attest unit).
fn integers(arrays: &[&ArrayRef]) -> Result<Values, String> {
    let mut values: Vec<i64> = Vec::new();
    let mut valid: Vec<bool> = Vec::new();
    for a in arrays {
        let a = match a.data_type() {
            DataType::Dictionary(_, value) => cast(a, value)?,
            _ => (*a).clone(),
        };
        let mut put = |v: Option<i64>| {
            values.push(v.unwrap_or(0));
            valid.push(v.is_some());
        };
        match a.data_type() {
            DataType::Null => (0..a.len()).for_each(|_| put(None)),
            DataType::UInt64 => a
                .as_primitive::<UInt64Type>()
                .iter()
                .for_each(|v| put(v.map(|v| v as i64))),
            DataType::Date32 => a
                .as_primitive::<Date32Type>()
                .iter()
                .for_each(|v| put(v.map(i64::from))),
            DataType::Date64 => a
                .as_primitive::<Date64Type>()
                .iter()
                .for_each(|v| put(v.map(|ms| ms.div_euclid(86_400_000)))),
            DataType::Time32(ArrowUnit::Second) => a
                .as_primitive::<Time32SecondType>()
                .iter()
                .for_each(|v| put(v.map(|s| i64::from(s) * 1000))),
            DataType::Time32(_) => a
                .as_primitive::<Time32MillisecondType>()
                .iter()
                .for_each(|v| put(v.map(i64::from))),
            DataType::Time64(ArrowUnit::Microsecond) => a
                .as_primitive::<Time64MicrosecondType>()
                .iter()
                .for_each(&mut put),
            DataType::Time64(_) => a
                .as_primitive::<Time64NanosecondType>()
                .iter()
                .for_each(&mut put),
            DataType::Timestamp(ArrowUnit::Second, _) => a
                .as_primitive::<TimestampSecondType>()
                .iter()
                .for_each(|v| put(v.map(|s| s.saturating_mul(1000)))),
            DataType::Timestamp(ArrowUnit::Millisecond, _) => a
                .as_primitive::<TimestampMillisecondType>()
                .iter()
                .for_each(&mut put),
            DataType::Timestamp(ArrowUnit::Microsecond, _) => a
                .as_primitive::<TimestampMicrosecondType>()
                .iter()
                .for_each(&mut put),
            DataType::Timestamp(ArrowUnit::Nanosecond, _) => a
                .as_primitive::<TimestampNanosecondType>()
                .iter()
                .for_each(&mut put),
            DataType::Duration(u) => match u {
                ArrowUnit::Second => a
                    .as_primitive::<DurationSecondType>()
                    .iter()
                    .for_each(&mut put),
                ArrowUnit::Millisecond => a
                    .as_primitive::<DurationMillisecondType>()
                    .iter()
                    .for_each(&mut put),
                ArrowUnit::Microsecond => a
                    .as_primitive::<DurationMicrosecondType>()
                    .iter()
                    .for_each(&mut put),
                ArrowUnit::Nanosecond => a
                    .as_primitive::<DurationNanosecondType>()
                    .iter()
                    .for_each(&mut put),
            },
            _ => {
                let a = cast(&a, &DataType::Int64)?;
                a.as_primitive::<Int64Type>().iter().for_each(&mut put)
            }
        }
    }
    let valid = valid.iter().any(|v| !v).then_some(valid);
    Ok(Values::Int { values, valid })
}

/// Texts and bytes as codes into a dictionary (bytes that are not UTF-8
/// replaced as the Parquet reader does; UUIDs in their 8-4-4-4-12 form).
fn texts(arrays: &[&ArrayRef], ty: &ColumnType) -> Result<Values, String> {
    let mut interner = Interner::default();
    let mut codes = Vec::new();
    for a in arrays {
        match a.data_type() {
            DataType::Dictionary(..) => {
                // The dictionary's values once, then its keys.
                let dict = a.as_any_dictionary();
                let value_codes = text_codes(dict.values(), ty, &mut interner)?;
                let keys =
                    arrow_cast::cast(dict.keys(), &DataType::Int64).map_err(|e| e.to_string())?;
                let keys = keys.as_primitive::<Int64Type>();
                codes.extend(keys.iter().map(|k| {
                    k.and_then(|k| value_codes.get(usize::try_from(k).ok()?).copied())
                        .unwrap_or(MISSING)
                }));
            }
            _ => codes.extend(text_codes(a, ty, &mut interner)?),
        }
    }
    Ok(Values::Text {
        codes,
        dict: interner.into_names(),
    })
}

fn text_codes(a: &ArrayRef, ty: &ColumnType, interner: &mut Interner) -> Result<Vec<u32>, String> {
    let mut intern = |v: Option<&[u8]>| match v {
        None => MISSING,
        Some(b) => {
            let text = match ty {
                ColumnType::Uuid if b.len() == 16 => uuid_text(b),
                _ => String::from_utf8_lossy(b).into_owned(),
            };
            interner.intern(&text)
        }
    };
    Ok(match a.data_type() {
        DataType::Utf8 => a
            .as_string::<i32>()
            .iter()
            .map(|v| intern(v.map(str::as_bytes)))
            .collect(),
        DataType::LargeUtf8 => a
            .as_string::<i64>()
            .iter()
            .map(|v| intern(v.map(str::as_bytes)))
            .collect(),
        DataType::Utf8View => a
            .as_string_view()
            .iter()
            .map(|v| intern(v.map(str::as_bytes)))
            .collect(),
        DataType::Binary => a.as_binary::<i32>().iter().map(&mut intern).collect(),
        DataType::LargeBinary => a.as_binary::<i64>().iter().map(&mut intern).collect(),
        DataType::BinaryView => a.as_binary_view().iter().map(&mut intern).collect(),
        DataType::FixedSizeBinary(_) => a.as_fixed_size_binary().iter().map(&mut intern).collect(),
        other => {
            let s = cast(a, &DataType::Utf8).map_err(|e| format!("{other} as text: {e}"))?;
            s.as_string::<i32>()
                .iter()
                .map(|v| intern(v.map(str::as_bytes)))
                .collect()
        }
    })
}

fn uuid_text(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A frame from the batches of a stream.
pub fn frame(schema: SchemaRef, batches: Vec<RecordBatch>) -> Arc<dyn FrameSource> {
    Arc::new(ArrowFrame::new(schema, batches))
}
