//! Arrow arrays → typed column views: numeric values or category codes.
//!
//! Missing values are nulls and float NaN. A numeric view is row-aligned
//! with NaN marking every missing value (±inf are kept: they are values, not
//! missing). A categorical view is row-aligned codes into an [`Interner`]
//! shared by the datasets being compared, with [`MISSING`] for missing rows.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
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

/// The kind of an Arrow type (SPEC §2): integer, float and decimal are
/// numeric, everything else categorical. Nested types (list, struct, map,
/// union) return `None`: Attest does not compare them.
pub fn natural_kind(data_type: &DataType) -> Option<Kind> {
    use DataType::*;
    match data_type {
        Int8
        | Int16
        | Int32
        | Int64
        | UInt8
        | UInt16
        | UInt32
        | UInt64
        | Float16
        | Float32
        | Float64
        | Decimal32(_, _)
        | Decimal64(_, _)
        | Decimal128(_, _)
        | Decimal256(_, _) => Some(Kind::Numeric),
        Dictionary(_, value) => natural_kind(value),
        List(_)
        | LargeList(_)
        | FixedSizeList(_, _)
        | ListView(_)
        | LargeListView(_)
        | Struct(_)
        | Map(_, _)
        | Union(_, _)
        | RunEndEncoded(_, _) => None,
        _ => Some(Kind::Categorical),
    }
}

/// True for Arrow integer types (used to tell classes from regression targets).
pub fn is_integer_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, v) => is_integer_type(v),
        t => t.is_integer(),
    }
}

/// Row-aligned numeric values: NaN marks a missing value (null or NaN).
///
/// Errors (as text, the caller adds the file and column) when a value cannot
/// be read as a number, e.g. a string column whose kind was overridden to
/// numeric holds "abc".
pub fn to_numeric(arrays: &[ArrayRef]) -> Result<Vec<f64>, String> {
    let rows = arrays.iter().map(|a| a.len()).sum();
    let mut out = Vec::with_capacity(rows);
    for array in arrays {
        let cast = arrow_cast::cast(array, &DataType::Float64)
            .map_err(|e| format!("cannot read as numbers: {e}"))?;
        let values = cast
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .ok_or_else(|| "cast to Float64 did not give Float64".to_string())?;
        if values.null_count() > array.logical_null_count() {
            let bad = (0..array.len())
                .find(|&i| values.is_null(i) && !array.is_null(i))
                .and_then(|i| display_value(array, i))
                .unwrap_or_default();
            return Err(format!("value {bad:?} is not a number"));
        }
        match values.nulls() {
            None => out.extend_from_slice(values.values()),
            Some(nulls) => {
                out.extend(values.values().iter().zip(nulls.iter()).map(|(&v, valid)| {
                    if valid {
                        v
                    } else {
                        f64::NAN
                    }
                }))
            }
        }
    }
    Ok(out)
}

fn display_value(array: &ArrayRef, i: usize) -> Option<String> {
    let s = arrow_cast::cast(&array.slice(i, 1), &DataType::Utf8).ok()?;
    let s = s.as_any().downcast_ref::<StringArray>()?;
    (!s.is_null(0)).then(|| s.value(0).to_string())
}

/// Code of a missing value in a categorical view.
pub const MISSING: u32 = u32::MAX;

/// Category names ↔ codes, shared by the datasets of one column so that the
/// same category has the same code everywhere.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    map: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    /// Code of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.map.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        self.map.insert(name.to_string(), code);
        self.names.push(name.to_string());
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
    /// Name of a code.
    pub fn name(&self, code: u32) -> Option<&str> {
        self.names.get(code as usize).map(String::as_str)
    }
}

/// Row-aligned category codes; missing rows get [`MISSING`]. Booleans become
/// `true`/`false`, numbers their shortest text; float NaN is missing.
pub fn to_codes(arrays: &[ArrayRef], interner: &mut Interner) -> Result<Vec<u32>, String> {
    let rows = arrays.iter().map(|a| a.len()).sum();
    let mut out = Vec::with_capacity(rows);
    for array in arrays {
        if let Some(dict) = array.as_any_dictionary_opt() {
            let values = dict.values();
            let value_codes = strings_to_codes(values, interner)?;
            let keys = dict.normalized_keys();
            let nulls = array.logical_nulls();
            for (row, key) in keys.iter().enumerate() {
                let valid = nulls.as_ref().is_none_or(|n| n.is_valid(row));
                let code = if valid {
                    value_codes.get(*key).copied().unwrap_or(MISSING)
                } else {
                    MISSING
                };
                out.push(code);
            }
        } else {
            out.extend(strings_to_codes(array, interner)?);
        }
    }
    Ok(out)
}

fn strings_to_codes(array: &ArrayRef, interner: &mut Interner) -> Result<Vec<u32>, String> {
    let is_float = matches!(
        array.data_type(),
        DataType::Float16 | DataType::Float32 | DataType::Float64
    );
    let strings = arrow_cast::cast(array, &DataType::Utf8)
        .map_err(|e| format!("cannot read as categories: {e}"))?;
    let strings = strings
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| "cast to Utf8 did not give Utf8".to_string())?;
    // Small arrays of repeated values are common: remember the last lookup.
    let mut last: Option<(&str, u32)> = None;
    Ok(strings
        .iter()
        .map(|v| match v {
            None => MISSING,
            Some(s) if is_float && s == "NaN" => MISSING,
            Some(s) => match last {
                Some((prev, code)) if prev == s => code,
                _ => {
                    let code = interner.intern(s);
                    last = Some((s, code));
                    code
                }
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::{BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array};
    use std::sync::Arc;

    #[test]
    fn kinds_follow_the_spec() {
        assert_eq!(natural_kind(&DataType::Int64), Some(Kind::Numeric));
        assert_eq!(
            natural_kind(&DataType::Decimal128(10, 2)),
            Some(Kind::Numeric)
        );
        assert_eq!(natural_kind(&DataType::Utf8), Some(Kind::Categorical));
        assert_eq!(natural_kind(&DataType::Boolean), Some(Kind::Categorical));
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert_eq!(natural_kind(&dict), Some(Kind::Categorical));
    }

    #[test]
    fn numeric_marks_nulls_and_nan_missing() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.0),
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
        ]));
        let b: ArrayRef = Arc::new(Int64Array::from(vec![Some(7), None]));
        let v = to_numeric(&[a, b]).expect("numeric");
        assert_eq!(v.len(), 6);
        assert_eq!(v[0], 1.0);
        assert!(v[1].is_nan() && v[2].is_nan() && v[5].is_nan());
        assert_eq!(v[3], f64::INFINITY);
        assert_eq!(v[4], 7.0);
    }

    #[test]
    fn numeric_from_bad_strings_names_the_value() {
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("1.5"), Some("abc")]));
        let err = to_numeric(&[a]).expect_err("not numbers");
        assert!(err.contains("\"abc\""), "{err}");
    }

    #[test]
    fn codes_share_an_interner() {
        let mut interner = Interner::default();
        let a: ArrayRef = Arc::new(StringArray::from(vec![Some("x"), None, Some("y")]));
        let keys = Int32Array::from(vec![Some(1), Some(0), None]);
        let values: ArrayRef = Arc::new(StringArray::from(vec!["y", "z"]));
        let b: ArrayRef =
            Arc::new(DictionaryArray::<Int32Type>::try_new(keys, values).expect("dict"));
        let ca = to_codes(&[a], &mut interner).expect("codes");
        let cb = to_codes(&[b], &mut interner).expect("codes");
        assert_eq!(ca, vec![0, MISSING, 1]);
        assert_eq!(cb, vec![2, 1, MISSING]);
        assert_eq!(interner.name(2), Some("z"));
    }

    #[test]
    fn booleans_and_float_nan_as_categories() {
        let mut interner = Interner::default();
        let a: ArrayRef = Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]));
        assert_eq!(
            to_codes(&[a], &mut interner).expect("codes"),
            vec![0, 1, MISSING]
        );
        assert_eq!(interner.name(0), Some("true"));
        let f: ArrayRef = Arc::new(Float64Array::from(vec![1.5, f64::NAN]));
        assert_eq!(
            to_codes(&[f], &mut interner).expect("codes"),
            vec![2, MISSING]
        );
    }
}
