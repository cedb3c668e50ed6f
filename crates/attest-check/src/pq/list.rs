//! Lists of floats (`list<double>`, `large_list<float>`): one top-level
//! column whose rows are lists, as pandas/pyarrow, Polars and DuckDB write
//! an array column. Each data page holds repetition levels (0 starts a
//! row), definition levels (which tell a null list, an empty list, a null
//! value and a value apart; see [`ListLeaf`]) and the present values;
//! values may be dictionary-encoded. Pages v1 and v2, every codec, the same
//! decode limit as flat columns, and rows may continue across pages.

use crate::columns::FloatLists;

use super::encoding::{self, Raw};
use super::meta::ListLeaf;
use super::{decompress, dictionary_indices, page_levels, read_page, size, ChunkData, RAISE_LIMIT};

/// The list column being decoded.
pub(super) struct ListSink {
    lists: FloatLists,
    max_bytes: usize,
    /// The last row is a list with an entry (more may follow it).
    open: bool,
}

impl ListSink {
    pub(super) fn new(max_bytes: usize) -> Self {
        Self {
            lists: FloatLists::default(),
            max_bytes,
            open: false,
        }
    }
    pub(super) fn rows(&self) -> usize {
        self.lists.valid.len()
    }
    /// Bytes held: values, row starts and null flags.
    fn bytes(&self) -> usize {
        self.lists.values.len() * 8 + self.lists.offsets.len() * 8 + self.lists.valid.len()
    }
    /// Refuse a page of `n` level entries that could take the column past
    /// the decode limit (each entry: at most a value and a row, and two
    /// levels while the page is decoded), before decoding it.
    fn admit(&self, n: usize) -> Result<(), String> {
        if self.bytes().saturating_add(n.saturating_mul(8 + 8 + 1 + 8)) > self.max_bytes {
            return Err(format!(
                "a page of {n} list entries would pass the decode limit of {} bytes of one column ({RAISE_LIMIT})",
                self.max_bytes
            ));
        }
        Ok(())
    }
    pub(super) fn finish(mut self) -> FloatLists {
        self.lists.offsets.push(self.lists.values.len());
        self.lists
    }

    /// Add a page's entries: its repetition and definition levels and its
    /// present values in order.
    fn push(
        &mut self,
        list: &ListLeaf,
        reps: &[u32],
        defs: &[u32],
        values: &[f64],
    ) -> Result<(), String> {
        let l = &mut self.lists;
        let mut next = values.iter();
        let max = u32::from(list.max_def);
        let empty = u32::from(list.empty_def);
        for (&rep, &def) in reps.iter().zip(defs) {
            match rep {
                0 => {
                    l.offsets.push(l.values.len());
                    l.valid.push(true);
                    self.open = def > empty;
                }
                1 if self.open => {}
                1 => {
                    return Err(
                        "a list value continues no list (an empty or null one, or none)".into(),
                    )
                }
                r => return Err(format!("repetition level {r} in a list of one level")),
            }
            if def == max {
                l.values
                    .push(*next.next().ok_or("fewer values than the levels say")?);
            } else if def > max {
                return Err(format!("definition level {def} above the column's {max}"));
            } else if list.element_optional && def == max - 1 {
                l.values.push(f64::NAN);
            } else if rep == 1 {
                return Err("an empty or null list continues a row".into());
            } else if def < empty {
                if let Some(v) = l.valid.last_mut() {
                    *v = false;
                }
            }
            // def == empty: an empty list, nothing to add
        }
        if next.next().is_some() {
            return Err("more values than the levels say".into());
        }
        Ok(())
    }
}

/// Bits of a level up to `max` (as parquet-format's `bit_width`).
fn level_width(max: u8) -> u32 {
    u32::BITS - u32::from(max).leading_zeros()
}

fn floats(raw: Raw) -> Result<Vec<f64>, String> {
    match raw {
        Raw::Float(v) => Ok(v),
        _ => Err("the list's values are not floating point".into()),
    }
}

/// Decode one column chunk of a list column into the sink: every page of
/// the chunk; `rows` is the row group's row count.
pub(super) fn read_list_chunk(
    data: &ChunkData<'_>,
    codec: i32,
    list: &ListLeaf,
    rows: usize,
    sink: &mut ListSink,
    rows_read: &mut dyn FnMut(usize),
) -> Result<(), String> {
    let target = sink.rows() + rows;
    let def_width = level_width(list.max_def);
    let mut dict: Option<Vec<f64>> = None;
    let mut started = false;
    let mut pos = 0u64;
    while pos < data.len() {
        let (h, body, next) = match read_page(data, pos) {
            Ok(page) => page,
            // what follows the last row is not a page: the chunk is done
            Err(_) if sink.rows() == target => break,
            Err(e) => return Err(e),
        };
        let uncompressed = size(h.uncompressed, "page size")?;
        pos = next;
        let n = size(h.num_values, "value count")?;
        match h.kind {
            2 => {
                sink.admit(n)?;
                let page = decompress(codec, body, uncompressed)?;
                let (raw, _) = encoding::plain(&page, list.physical, n)
                    .map_err(|m| format!("dictionary page: {m}"))?;
                dict = Some(floats(raw)?);
            }
            0 | 3 => {
                sink.admit(n)?;
                let (reps, defs, values) =
                    page_levels(&h, body, codec, uncompressed, n, 1, def_width)?;
                if reps.len() != n || defs.len() != n {
                    return Err(format!("a page of {n} entries holds fewer levels"));
                }
                // A chunk starts a row (rows do not continue across row groups).
                if !started && reps.first().is_some_and(|&r| r != 0) {
                    return Err("the column chunk starts inside a row".into());
                }
                started |= n > 0;
                let present = defs
                    .iter()
                    .filter(|&&d| d == u32::from(list.max_def))
                    .count();
                let decoded = match h.encoding {
                    2 | 8 => {
                        let dict = dict
                            .as_ref()
                            .ok_or("a dictionary-encoded page without a dictionary page")?;
                        dictionary_indices(&values, present)?
                            .iter()
                            .map(|&i| {
                                dict.get(i as usize).copied().ok_or_else(|| {
                                    format!(
                                        "dictionary index {i} out of range ({} entries)",
                                        dict.len()
                                    )
                                })
                            })
                            .collect::<Result<Vec<f64>, String>>()?
                    }
                    e => {
                        let room = sink.max_bytes.saturating_sub(sink.bytes());
                        floats(encoding::values(&values, list.physical, e, present, room)?)?
                    }
                };
                if decoded.len() != present {
                    return Err(format!("{} values for {present} entries", decoded.len()));
                }
                sink.push(list, &reps, &defs, &decoded)?;
                if sink.rows() > target {
                    return Err(format!(
                        "the column chunk holds more rows than the row group's {rows}"
                    ));
                }
                rows_read(sink.rows());
            }
            _ => {} // index pages and unknown kinds: skipped
        }
    }
    if sink.rows() != target {
        return Err(format!(
            "the column chunk ends after {} of {rows} rows",
            rows - (target - sink.rows())
        ));
    }
    Ok(())
}
