//! The Parquet footer (`FileMetaData`): the schema, the row groups and where
//! each column chunk lies. Field ids follow `parquet.thrift` (apache/parquet-format).

use super::thrift::{Field, Reader, TResult, ThriftError, BINARY, I32, I64, LIST, STRUCT};
use crate::columns::{ColumnType, TimeUnit};

/// Physical types (`Type` in parquet.thrift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Physical {
    Boolean,
    Int32,
    Int64,
    Int96,
    Float,
    Double,
    ByteArray,
    FixedLenByteArray(usize),
}

/// A top-level column the reader can decode: a primitive leaf with no
/// repetition, optional or required.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Index among all leaves (the column chunk's index in a row group).
    pub leaf: usize,
    pub physical: Physical,
    pub optional: bool,
    pub ty: ColumnType,
}

/// A top-level list of floats (`list<double>`, `large_list<float>`, the
/// standard three-level LIST or the legacy two-level repeated field): the
/// leaf holding its values and the definition levels that tell a null
/// list, an empty list, a null value and a value apart (the repetition
/// level is 0 at a row's first value, 1 after).
#[derive(Debug, Clone)]
pub struct ListLeaf {
    /// Index among all leaves.
    pub leaf: usize,
    /// `Float` or `Double`.
    pub physical: Physical,
    /// Definition level of a present, empty list (0 when the list is
    /// required; below it, the list is null).
    pub empty_def: u8,
    /// Definition level of a present value.
    pub max_def: u8,
    /// Values may be null (their level is `max_def − 1`).
    pub element_optional: bool,
}

/// A top-level column: a leaf, a list of floats, or something Attest does
/// not read (other groups, repeated fields), kept so that its name shows
/// and can be reported.
#[derive(Debug, Clone)]
pub struct TopColumn {
    pub name: String,
    pub ty: ColumnType,
    pub leaf: Option<Leaf>,
    pub list: Option<ListLeaf>,
}

/// Where a column chunk lies and how it is compressed.
#[derive(Debug, Clone, Copy)]
pub struct Chunk {
    pub codec: i32,
    pub start: u64,
    pub len: u64,
}

/// One row group: its row count and a chunk per leaf (`None` when the chunk
/// has no metadata or lives in another file).
#[derive(Debug, Clone)]
pub struct RowGroup {
    pub rows: i64,
    pub chunks: Vec<Option<Chunk>>,
}

/// What the reader needs of the footer.
#[derive(Debug, Clone)]
pub struct FileMeta {
    pub rows: i64,
    pub columns: Vec<TopColumn>,
    pub row_groups: Vec<RowGroup>,
}

#[derive(Debug, Default)]
struct Element {
    physical: Option<i32>,
    type_length: Option<i32>,
    repetition: Option<i32>,
    name: String,
    children: Option<i32>,
    converted: Option<i32>,
    scale: Option<i32>,
    precision: Option<i32>,
    logical: Option<Logical>,
}

#[derive(Debug, Clone)]
enum Logical {
    String,
    Enum,
    Json,
    Decimal { scale: i32, precision: i32 },
    Date,
    Time(TimeUnit),
    Timestamp { unit: TimeUnit, utc: bool },
    Integer { bits: u8, signed: bool },
    Float16,
    Uuid,
    Other(&'static str),
}

fn i32_field(r: &mut Reader<'_>, f: Field) -> TResult<i32> {
    expect(f, I32)?;
    r.i32()
}

fn i64_field(r: &mut Reader<'_>, f: Field) -> TResult<i64> {
    expect(f, I64)?;
    r.i64()
}

fn expect(f: Field, kind: u8) -> TResult<()> {
    if f.kind == kind {
        Ok(())
    } else {
        Err(ThriftError::Invalid(format!(
            "field {} has type {}, expected {kind}",
            f.id, f.kind
        )))
    }
}

fn time_unit(r: &mut Reader<'_>) -> TResult<TimeUnit> {
    let mut unit = TimeUnit::Millis;
    r.read_struct(|r, f| {
        unit = match f.id {
            1 => TimeUnit::Millis,
            2 => TimeUnit::Micros,
            3 => TimeUnit::Nanos,
            _ => return Ok(false),
        };
        r.skip(f.kind)?;
        Ok(true)
    })?;
    Ok(unit)
}

fn logical(r: &mut Reader<'_>) -> TResult<Option<Logical>> {
    let mut out = None;
    r.read_struct(|r, f| {
        expect(f, STRUCT)?;
        out = Some(match f.id {
            5 => {
                let (mut scale, mut precision) = (0, 0);
                r.read_struct(|r, f| {
                    match f.id {
                        1 => scale = i32_field(r, f)?,
                        2 => precision = i32_field(r, f)?,
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                Logical::Decimal { scale, precision }
            }
            7 | 8 => {
                let (mut utc, mut unit) = (false, TimeUnit::Millis);
                r.read_struct(|r, g| {
                    match g.id {
                        1 => utc = r.bool_field(g)?,
                        2 => {
                            expect(g, STRUCT)?;
                            unit = time_unit(r)?
                        }
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                if f.id == 7 {
                    Logical::Time(unit)
                } else {
                    Logical::Timestamp { unit, utc }
                }
            }
            10 => {
                let (mut bits, mut signed) = (64u8, true);
                r.read_struct(|r, g| {
                    match g.id {
                        1 => {
                            // i8 in the IDL: a BYTE, not a varint
                            if g.kind != super::thrift::BYTE {
                                return Err(ThriftError::Invalid("bitWidth is not a byte".into()));
                            }
                            bits = r.raw_byte()?;
                        }
                        2 => signed = r.bool_field(g)?,
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                Logical::Integer { bits, signed }
            }
            id => {
                // the rest are empty structs
                r.skip(STRUCT)?;
                match id {
                    1 => Logical::String,
                    4 => Logical::Enum,
                    12 => Logical::Json,
                    6 => Logical::Date,
                    14 => Logical::Uuid,
                    15 => Logical::Float16,
                    2 => Logical::Other("map"),
                    3 => Logical::Other("list"),
                    9 | 11 => Logical::Other("null"),
                    13 => Logical::Other("bson"),
                    _ => Logical::Other("an unknown logical type"),
                }
            }
        });
        Ok(true)
    })?;
    Ok(out)
}

fn element(r: &mut Reader<'_>) -> TResult<Element> {
    let mut e = Element::default();
    r.read_struct(|r, f| {
        match f.id {
            1 => e.physical = Some(i32_field(r, f)?),
            2 => e.type_length = Some(i32_field(r, f)?),
            3 => e.repetition = Some(i32_field(r, f)?),
            4 => {
                expect(f, BINARY)?;
                e.name = r.string()?
            }
            5 => e.children = Some(i32_field(r, f)?),
            6 => e.converted = Some(i32_field(r, f)?),
            7 => e.scale = Some(i32_field(r, f)?),
            8 => e.precision = Some(i32_field(r, f)?),
            10 => {
                expect(f, STRUCT)?;
                e.logical = logical(r)?
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(e)
}

fn chunk(r: &mut Reader<'_>) -> TResult<Option<Chunk>> {
    let mut external = false;
    let mut meta = None;
    r.read_struct(|r, f| {
        match f.id {
            1 => {
                expect(f, BINARY)?;
                external = !r.binary()?.is_empty()
            }
            3 => {
                expect(f, STRUCT)?;
                let (mut codec, mut size) = (0, 0i64);
                let (mut data, mut dict) = (0i64, None::<i64>);
                r.read_struct(|r, f| {
                    match f.id {
                        4 => codec = i32_field(r, f)?,
                        7 => size = i64_field(r, f)?,
                        9 => data = i64_field(r, f)?,
                        11 => dict = Some(i64_field(r, f)?),
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                // Some writers record a dictionary offset of 0 for "none".
                let start = match dict {
                    Some(d) if d > 0 && d < data => d,
                    _ => data,
                };
                let (Ok(start), Ok(len)) = (u64::try_from(start), u64::try_from(size)) else {
                    return Err(ThriftError::Invalid(
                        "negative column chunk offset or size".into(),
                    ));
                };
                meta = Some(Chunk { codec, start, len });
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(if external { None } else { meta })
}

fn row_group(r: &mut Reader<'_>) -> TResult<RowGroup> {
    let mut g = RowGroup {
        rows: 0,
        chunks: Vec::new(),
    };
    r.read_struct(|r, f| {
        match f.id {
            1 => {
                expect(f, LIST)?;
                g.chunks = r.read_list(|r, _| chunk(r))?
            }
            3 => g.rows = i64_field(r, f)?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(g)
}

/// Parse the footer's `FileMetaData` (the bytes between the start of the
/// footer and its length word).
pub fn parse(bytes: &[u8]) -> Result<FileMeta, String> {
    let mut r = Reader::new(bytes);
    let mut elements = Vec::new();
    let mut rows = 0;
    let mut groups = Vec::new();
    r.read_struct(|r, f| {
        match f.id {
            2 => {
                expect(f, LIST)?;
                elements = r.read_list(|r, _| element(r))?
            }
            3 => rows = i64_field(r, f)?,
            4 => {
                expect(f, LIST)?;
                groups = r.read_list(|r, _| row_group(r))?
            }
            _ => return Ok(false),
        }
        Ok(true)
    })
    .map_err(|e| e.to_string())?;
    let (columns, leaves) = columns(&elements)?;
    for (i, g) in groups.iter().enumerate() {
        if g.chunks.len() != leaves {
            return Err(format!(
                "row group {i} has {} column chunks, the schema {leaves} columns",
                g.chunks.len()
            ));
        }
    }
    Ok(FileMeta {
        rows,
        columns,
        row_groups: groups,
    })
}

/// The schema's top-level columns, from its depth-first element list.
fn columns(elements: &[Element]) -> Result<(Vec<TopColumn>, usize), String> {
    let Some(root) = elements.first() else {
        return Err("the schema is empty".into());
    };
    let top = usize::try_from(root.children.unwrap_or(0)).map_err(|_| "bad schema")?;
    let mut out = Vec::new();
    let mut i = 1;
    let mut leaf = 0;
    for _ in 0..top {
        let e = elements
            .get(i)
            .ok_or("the schema lists fewer columns than its root says")?;
        match e.children {
            Some(n) if n > 0 => {
                // A group (struct, list, map): skip its subtree, count its
                // leaves; a list of floats is read.
                let (next, leaves) = subtree(elements, i)?;
                let list = float_list(elements, i, leaf);
                out.push(TopColumn {
                    name: e.name.clone(),
                    ty: match &list {
                        Some(l) => ColumnType::FloatList {
                            bits: if l.physical == Physical::Float {
                                32
                            } else {
                                64
                            },
                        },
                        None => ColumnType::Unsupported(nested_name(e).into()),
                    },
                    leaf: None,
                    list,
                });
                i = next;
                leaf += leaves;
            }
            _ => {
                let repeated = e.repetition == Some(2);
                let leaf_col = if repeated {
                    None
                } else {
                    match physical(e) {
                        Ok(physical) => Some(Leaf {
                            leaf,
                            physical,
                            optional: e.repetition != Some(0),
                            ty: column_type(e, physical),
                        }),
                        Err(m) => return Err(format!("column `{}`: {m}", e.name)),
                    }
                };
                out.push(TopColumn {
                    name: e.name.clone(),
                    ty: match &leaf_col {
                        Some(l) => l.ty.clone(),
                        None => ColumnType::Unsupported("list".into()),
                    },
                    leaf: leaf_col,
                    list: None,
                });
                i += 1;
                leaf += 1;
            }
        }
    }
    Ok((out, leaf))
}

/// The group at `i` as a list of floats, when it is one: a LIST group with
/// one repeated child that is either a group of one optional or required
/// float/double leaf (three levels, what pyarrow, Polars and DuckDB write)
/// or itself a float/double leaf (two levels, older writers). `leaf` is the
/// index of its first leaf.
fn float_list(elements: &[Element], i: usize, leaf: usize) -> Option<ListLeaf> {
    let group = elements.get(i)?;
    let annotated =
        group.converted == Some(3) || matches!(group.logical, Some(Logical::Other("list")));
    if group.children != Some(1) || !annotated || group.repetition == Some(2) {
        return None;
    }
    let repeated = elements.get(i + 1)?;
    if repeated.repetition != Some(2) {
        return None;
    }
    let (value, element_optional) = match repeated.children {
        Some(1) => {
            let v = elements.get(i + 2)?;
            if v.children.is_some_and(|n| n > 0) || v.repetition == Some(2) {
                return None;
            }
            (v, v.repetition == Some(1))
        }
        None | Some(0) => (repeated, false),
        _ => return None,
    };
    let physical = physical(value).ok()?;
    if !matches!(physical, Physical::Float | Physical::Double) {
        return None;
    }
    let empty_def = u8::from(group.repetition == Some(1));
    Some(ListLeaf {
        leaf,
        physical,
        empty_def,
        max_def: empty_def + 1 + u8::from(element_optional),
        element_optional,
    })
}

/// End index and leaf count of the subtree rooted at `i`.
fn subtree(elements: &[Element], i: usize) -> Result<(usize, usize), String> {
    let mut pending: usize = 1;
    let mut j = i;
    let mut leaves = 0;
    while pending > 0 {
        let e = elements.get(j).ok_or("the schema ends inside a group")?;
        pending -= 1;
        match e.children {
            Some(n) if n > 0 => {
                pending = pending
                    .checked_add(usize::try_from(n).map_err(|_| "bad schema")?)
                    .ok_or("bad schema")?;
                if pending > elements.len() {
                    return Err("the schema claims more children than it has".into());
                }
            }
            _ => leaves += 1,
        }
        j += 1;
    }
    Ok((j, leaves))
}

fn nested_name(e: &Element) -> &'static str {
    match (&e.logical, e.converted) {
        (Some(Logical::Other(n)), _) => n,
        (_, Some(1 | 2)) => "map",
        (_, Some(3)) => "list",
        _ => "struct",
    }
}

fn physical(e: &Element) -> Result<Physical, String> {
    Ok(match e.physical {
        Some(0) => Physical::Boolean,
        Some(1) => Physical::Int32,
        Some(2) => Physical::Int64,
        Some(3) => Physical::Int96,
        Some(4) => Physical::Float,
        Some(5) => Physical::Double,
        Some(6) => Physical::ByteArray,
        Some(7) => {
            let n = e
                .type_length
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or("fixed-length byte array without a positive length")?;
            Physical::FixedLenByteArray(n)
        }
        Some(t) => return Err(format!("unknown physical type {t}")),
        None => return Err("a leaf without a physical type".into()),
    })
}

/// The column type of a leaf, from its logical type, or else its converted type.
fn column_type(e: &Element, physical: Physical) -> ColumnType {
    use ColumnType as T;
    let logical = e.logical.clone().or_else(|| {
        Some(match e.converted? {
            0 => Logical::String,
            4 => Logical::Enum,
            19 => Logical::Json,
            5 => Logical::Decimal {
                scale: e.scale.unwrap_or(0),
                precision: e.precision.unwrap_or(0),
            },
            6 => Logical::Date,
            7 => Logical::Time(TimeUnit::Millis),
            8 => Logical::Time(TimeUnit::Micros),
            9 => Logical::Timestamp {
                unit: TimeUnit::Millis,
                utc: true,
            },
            10 => Logical::Timestamp {
                unit: TimeUnit::Micros,
                utc: true,
            },
            11 => Logical::Integer {
                bits: 8,
                signed: false,
            },
            12 => Logical::Integer {
                bits: 16,
                signed: false,
            },
            13 => Logical::Integer {
                bits: 32,
                signed: false,
            },
            14 => Logical::Integer {
                bits: 64,
                signed: false,
            },
            15 => Logical::Integer {
                bits: 8,
                signed: true,
            },
            16 => Logical::Integer {
                bits: 16,
                signed: true,
            },
            17 => Logical::Integer {
                bits: 32,
                signed: true,
            },
            18 => Logical::Integer {
                bits: 64,
                signed: true,
            },
            20 => Logical::Other("bson"),
            21 => Logical::Other("interval"),
            _ => return None,
        })
    });
    match (physical, logical) {
        (_, Some(Logical::Decimal { scale, precision })) => T::Decimal {
            precision: precision.max(0) as u32,
            scale,
        },
        (Physical::Boolean, _) => T::Boolean,
        (Physical::Int32 | Physical::Int64, Some(Logical::Integer { bits, signed })) => {
            T::Int { bits, signed }
        }
        (Physical::Int32, Some(Logical::Date)) => T::Date,
        (Physical::Int32 | Physical::Int64, Some(Logical::Time(unit))) => T::Time { unit },
        (Physical::Int64, Some(Logical::Timestamp { unit, utc })) => T::Timestamp { unit, utc },
        (Physical::Int32, _) => T::Int {
            bits: 32,
            signed: true,
        },
        (Physical::Int64, _) => T::Int {
            bits: 64,
            signed: true,
        },
        (Physical::Int96, _) => T::Timestamp {
            unit: TimeUnit::Nanos,
            utc: false,
        },
        (Physical::Float, _) => T::Float { bits: 32 },
        (Physical::Double, _) => T::Float { bits: 64 },
        (Physical::FixedLenByteArray(2), Some(Logical::Float16)) => T::Float { bits: 16 },
        (_, Some(Logical::String | Logical::Enum | Logical::Json)) => T::Text,
        (Physical::FixedLenByteArray(16), Some(Logical::Uuid)) => T::Uuid,
        (_, Some(Logical::Other(name))) => T::Unsupported(name.into()),
        _ => T::Binary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_footers_are_errors() {
        for bytes in [&b""[..], b"\x00", b"\x19\xfc", b"\xff\xff\xff"] {
            assert!(parse(bytes).is_err(), "{bytes:?}");
        }
    }
}
