//! Parquet value and level encodings (apache/parquet-format `Encodings.md`):
//! PLAIN, the RLE / bit-packing hybrid (levels, dictionary indices and
//! booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY
//! and BYTE_STREAM_SPLIT. Every read is bounds-checked: corrupt pages give
//! an error, never a panic.

use super::meta::Physical;

/// Decoded values of a page (non-null values only), by physical type.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// INT32 (sign-extended) and INT64.
    Int(Vec<i64>),
    /// INT96 timestamps as nanoseconds since the Unix epoch.
    Int96(Vec<i64>),
    /// FLOAT and DOUBLE.
    Float(Vec<f64>),
    Bool(Vec<bool>),
    /// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY.
    Bytes(ByteValues),
}

impl Raw {
    pub fn len(&self) -> usize {
        match self {
            Raw::Int(v) | Raw::Int96(v) => v.len(),
            Raw::Float(v) => v.len(),
            Raw::Bool(v) => v.len(),
            Raw::Bytes(v) => v.len(),
        }
    }
}

/// Byte strings stored end to end: value `i` is `data[ends[i-1]..ends[i]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByteValues {
    pub data: Vec<u8>,
    pub ends: Vec<usize>,
}

impl ByteValues {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn push(&mut self, value: &[u8]) {
        self.data.extend_from_slice(value);
        self.ends.push(self.data.len());
    }
    /// Value `i`, empty when out of range.
    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.data.get(start..end).unwrap_or_default()
    }
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

pub type EResult<T> = Result<T, String>;

fn truncated<T>(what: &str) -> EResult<T> {
    Err(format!("{what}: the page ends early"))
}

fn take<'a>(data: &'a [u8], pos: &mut usize, n: usize, what: &str) -> EResult<&'a [u8]> {
    let end = pos.checked_add(n).filter(|e| *e <= data.len());
    match end {
        Some(end) => {
            let s = &data[*pos..end];
            *pos = end;
            Ok(s)
        }
        None => truncated(what),
    }
}

fn uvarint(data: &[u8], pos: &mut usize) -> EResult<u64> {
    super::thrift::read_uvarint(data, pos).map_err(|e| match e {
        super::thrift::VarintError::Eof => "varint: the page ends early".to_string(),
        super::thrift::VarintError::Invalid(m) => m.to_string(),
    })
}

fn zigzag(data: &[u8], pos: &mut usize) -> EResult<i64> {
    uvarint(data, pos).map(super::thrift::unzigzag)
}

/// Unpack `n` little-endian bit-packed values of `width` bits (≤ 64) from
/// `data`, least significant bit first; missing trailing bytes read as 0.
fn unpack(data: &[u8], width: u32, n: usize, push: impl FnMut(u64)) {
    if width <= 32 {
        unpack32(data, width, n, push)
    } else {
        unpack64(data, width, n, push)
    }
}

/// [`unpack`] for widths ≤ 32 with a 64-bit bit buffer refilled 32 bits at
/// a time (the hot path: levels and dictionary indices).
fn unpack32(data: &[u8], width: u32, n: usize, mut push: impl FnMut(u64)) {
    if width == 0 {
        (0..n).for_each(|_| push(0));
        return;
    }
    let mask = (1u64 << width) - 1;
    let (mut buf, mut bits, mut pos) = (0u64, 0u32, 0usize);
    for _ in 0..n {
        if bits < width {
            if let Some(w) = data.get(pos..pos + 4) {
                buf |= u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])) << bits;
                bits += 32;
                pos += 4;
            } else {
                while bits < width {
                    buf |= u64::from(data.get(pos).copied().unwrap_or(0)) << bits;
                    bits += 8;
                    pos += 1;
                }
            }
        }
        push(buf & mask);
        buf >>= width;
        bits -= width;
    }
}

/// [`unpack`] for any width up to 64 (delta-encoded integers).
fn unpack64(data: &[u8], width: u32, n: usize, mut push: impl FnMut(u64)) {
    let mask = if width == 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    let (mut buf, mut bits, mut pos) = (0u128, 0u32, 0usize);
    for _ in 0..n {
        while bits < width {
            buf |= u128::from(data.get(pos).copied().unwrap_or(0)) << bits;
            bits += 8;
            pos += 1;
        }
        push((buf as u64) & mask);
        buf >>= width;
        bits -= width;
    }
}

/// The RLE / bit-packing hybrid: `n` values of `width` bits. Returns the
/// bytes consumed.
pub fn rle_hybrid(data: &[u8], width: u32, n: usize, out: &mut Vec<u32>) -> EResult<usize> {
    if width > 32 {
        return Err(format!("bit width {width} is over 32"));
    }
    let start = out.len();
    out.try_reserve(n)
        .map_err(|_| format!("{n} values do not fit in memory"))?;
    let mut pos = 0;
    let value_bytes = width.div_ceil(8) as usize;
    while out.len() - start < n {
        let header = uvarint(data, &mut pos)?;
        let left = n - (out.len() - start);
        if header & 1 == 1 {
            let groups = usize::try_from(header >> 1).map_err(|_| "run too long")?;
            let bytes = groups.saturating_mul(width as usize);
            let end = pos.saturating_add(bytes).min(data.len());
            let count = groups.saturating_mul(8).min(left);
            if groups == 0 {
                return Err("an empty bit-packed run".into());
            }
            unpack(&data[pos..end], width, count, |v| out.push(v as u32));
            pos = end;
        } else {
            let count = usize::try_from(header >> 1).map_err(|_| "run too long")?;
            if count == 0 {
                return Err("an empty RLE run".into());
            }
            let raw = take(data, &mut pos, value_bytes, "RLE run")?;
            let mut word = [0u8; 4];
            word[..raw.len()].copy_from_slice(raw);
            let v = u32::from_le_bytes(word);
            out.extend(std::iter::repeat_n(v, count.min(left)));
        }
    }
    Ok(pos)
}

/// Largest DELTA_BINARY_PACKED block accepted (writers use 128 or 256).
const MAX_DELTA_BLOCK: u64 = 1 << 16;

/// DELTA_BINARY_PACKED: all the values its header announces (at most
/// `max`: the page's value count). Returns the values and the bytes consumed.
pub fn delta_binary_packed(data: &[u8], max: usize) -> EResult<(Vec<i64>, usize)> {
    let mut pos = 0;
    let block = uvarint(data, &mut pos)?;
    let minis = uvarint(data, &mut pos)?;
    let total = uvarint(data, &mut pos)?;
    let first = zigzag(data, &mut pos)?;
    if minis == 0
        || block == 0
        || block > MAX_DELTA_BLOCK
        || block % minis != 0
        || (block / minis) % 32 != 0
    {
        return Err(format!(
            "DELTA_BINARY_PACKED: block size {block} with {minis} miniblocks"
        ));
    }
    let per_mini = usize::try_from(block / minis).map_err(|_| "block too large")?;
    let minis = usize::try_from(minis).map_err(|_| "too many miniblocks")?;
    let total = usize::try_from(total).map_err(|_| "too many values")?;
    // A block takes at least 1 + `minis` bytes (its min delta and widths),
    // so the page bounds the number of values too.
    let blocks = data.len() / (1 + minis) + 1;
    if total > max || total > blocks.saturating_mul(per_mini * minis).saturating_add(1) {
        return Err(format!(
            "DELTA_BINARY_PACKED claims {total} values in a page of {max}"
        ));
    }
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return Ok((out, pos));
    }
    out.push(first);
    let mut last = first;
    while out.len() < total {
        let min_delta = zigzag(data, &mut pos)?;
        let widths = take(data, &mut pos, minis, "miniblock widths")?;
        for &w in widths {
            if out.len() >= total {
                break;
            }
            if w > 64 {
                return Err(format!("miniblock bit width {w}"));
            }
            let bytes = per_mini * usize::from(w) / 8;
            let end = pos.saturating_add(bytes).min(data.len());
            let count = per_mini.min(total - out.len());
            unpack(&data[pos..end], u32::from(w), count, |d| {
                last = last.wrapping_add(min_delta).wrapping_add(d as i64);
                out.push(last);
            });
            pos = end;
        }
    }
    Ok((out, pos))
}

fn lengths(values: Vec<i64>) -> EResult<Vec<usize>> {
    values
        .into_iter()
        .map(|l| usize::try_from(l).map_err(|_| format!("negative length {l}")))
        .collect()
}

/// DELTA_LENGTH_BYTE_ARRAY: `n` byte strings. Returns the bytes consumed.
pub fn delta_length_byte_array(data: &[u8], n: usize, out: &mut ByteValues) -> EResult<usize> {
    let (lens, mut pos) = delta_binary_packed(data, n)?;
    if lens.len() < n {
        return Err(format!("{} lengths for {n} values", lens.len()));
    }
    for len in lengths(lens)?.into_iter().take(n) {
        out.push(take(data, &mut pos, len, "DELTA_LENGTH_BYTE_ARRAY")?);
    }
    Ok(pos)
}

/// DELTA_BYTE_ARRAY (incremental encoding): `n` byte strings, each built
/// in place from the previous one's prefix and its suffix. The values may
/// hold far more bytes than the page (each repeats a prefix): more than
/// `max_bytes` in all is an error before they are written.
pub fn delta_byte_array(
    data: &[u8],
    n: usize,
    out: &mut ByteValues,
    max_bytes: usize,
) -> EResult<()> {
    let (prefixes, used) = delta_binary_packed(data, n)?;
    let prefixes = lengths(prefixes)?;
    let mut suffixes = ByteValues::default();
    delta_length_byte_array(data.get(used..).unwrap_or_default(), n, &mut suffixes)?;
    if prefixes.len() < n {
        return Err(format!("{} prefixes for {n} values", prefixes.len()));
    }
    let mut prev = 0..0;
    for (i, &p) in prefixes.iter().take(n).enumerate() {
        if p > prev.len() {
            return Err(format!("prefix {p} longer than the previous value"));
        }
        let suffix = suffixes.get(i);
        let start = out.data.len();
        if start.saturating_add(p).saturating_add(suffix.len()) > max_bytes {
            return Err(OVER_LIMIT.into());
        }
        out.data.extend_from_within(prev.start..prev.start + p);
        out.data.extend_from_slice(suffix);
        out.ends.push(out.data.len());
        prev = start..out.data.len();
    }
    Ok(())
}

/// The message when decoded values would pass the decode limit (the caller
/// adds the limit).
pub const OVER_LIMIT: &str = "the decoded values pass the decode limit";

/// BYTE_STREAM_SPLIT: put the `width` byte streams of `n` values back together.
pub fn byte_stream_split(data: &[u8], width: usize, n: usize) -> EResult<Vec<u8>> {
    let size = width.checked_mul(n).ok_or("too many values")?;
    if data.len() < size {
        return truncated("BYTE_STREAM_SPLIT");
    }
    let mut out = vec![0u8; size];
    for (j, stream) in data[..size].chunks_exact(n.max(1)).enumerate().take(width) {
        for (i, &b) in stream.iter().enumerate() {
            out[i * width + j] = b;
        }
    }
    Ok(out)
}

/// Nanoseconds since the epoch of an INT96 timestamp (nanoseconds of the
/// day, then the Julian day), `None` when out of range.
fn int96_nanos(b: &[u8]) -> Option<i64> {
    let nanos = i64::from_le_bytes(b.get(..8)?.try_into().ok()?);
    let day = i32::from_le_bytes(b.get(8..12)?.try_into().ok()?);
    const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
    (i64::from(day) - UNIX_EPOCH_JULIAN_DAY)
        .checked_mul(86_400_000_000_000)?
        .checked_add(nanos)
}

/// PLAIN: `n` values of a physical type. Returns the values and the bytes consumed.
pub fn plain(data: &[u8], physical: Physical, n: usize) -> EResult<(Raw, usize)> {
    let fixed = |w: usize| -> EResult<&[u8]> {
        let size = w.checked_mul(n).ok_or("too many values")?;
        data.get(..size).ok_or_else(|| {
            format!(
                "PLAIN: {n} values need {size} bytes, the page has {}",
                data.len()
            )
        })
    };
    Ok(match physical {
        Physical::Boolean => {
            let bytes = data
                .get(..n.div_ceil(8))
                .ok_or("PLAIN booleans: the page ends early")?;
            let mut v = Vec::with_capacity(n);
            unpack(bytes, 1, n, |b| v.push(b == 1));
            (Raw::Bool(v), bytes.len())
        }
        Physical::Int32 => {
            let b = fixed(4)?;
            let v = b
                .chunks_exact(4)
                .map(|c| i64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect();
            (Raw::Int(v), b.len())
        }
        Physical::Int64 => {
            let b = fixed(8)?;
            let v = b
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect();
            (Raw::Int(v), b.len())
        }
        Physical::Int96 => {
            let b = fixed(12)?;
            let v = b
                .chunks_exact(12)
                .map(|c| int96_nanos(c).ok_or_else(|| "INT96 timestamp out of range".to_string()))
                .collect::<EResult<_>>()?;
            (Raw::Int96(v), b.len())
        }
        Physical::Float => {
            let b = fixed(4)?;
            let v = b
                .chunks_exact(4)
                .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect();
            (Raw::Float(v), b.len())
        }
        Physical::Double => {
            let b = fixed(8)?;
            let v = b
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect();
            (Raw::Float(v), b.len())
        }
        Physical::FixedLenByteArray(w) => {
            let b = fixed(w)?;
            let mut v = ByteValues {
                data: Vec::with_capacity(b.len()),
                ends: Vec::with_capacity(n),
            };
            b.chunks_exact(w).for_each(|c| v.push(c));
            (Raw::Bytes(v), b.len())
        }
        Physical::ByteArray => {
            let mut v = ByteValues {
                data: Vec::with_capacity(data.len().min(1 << 24)),
                ends: Vec::with_capacity(n.min(data.len() / 4)),
            };
            let mut pos = 0;
            for _ in 0..n {
                let len = take(data, &mut pos, 4, "PLAIN byte array length")?;
                let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                v.push(take(data, &mut pos, len, "PLAIN byte array")?);
            }
            (Raw::Bytes(v), pos)
        }
    })
}

/// Values of `n` non-null entries encoded with `encoding` (not a dictionary
/// encoding: those are resolved by the caller).
/// `max_bytes` bounds what a DELTA_BYTE_ARRAY page may expand to (the other
/// encodings produce at most a fixed size per value, or the page's bytes).
pub fn values(
    data: &[u8],
    physical: Physical,
    encoding: i32,
    n: usize,
    max_bytes: usize,
) -> EResult<Raw> {
    const PLAIN: i32 = 0;
    const RLE: i32 = 3;
    const DELTA_BINARY_PACKED: i32 = 5;
    const DELTA_LENGTH_BYTE_ARRAY: i32 = 6;
    const DELTA_BYTE_ARRAY: i32 = 7;
    const BYTE_STREAM_SPLIT: i32 = 9;
    Ok(match (encoding, physical) {
        (PLAIN, _) => plain(data, physical, n)?.0,
        (RLE, Physical::Boolean) => {
            // 4-byte length, then the hybrid with bit width 1.
            let body = data.get(4..).ok_or("RLE booleans: the page ends early")?;
            let mut v = Vec::new();
            rle_hybrid(body, 1, n, &mut v)?;
            Raw::Bool(v.into_iter().map(|b| b == 1).collect())
        }
        (DELTA_BINARY_PACKED, Physical::Int32 | Physical::Int64) => {
            let (mut v, _) = delta_binary_packed(data, n)?;
            if v.len() < n {
                return Err(format!("{} values for {n} entries", v.len()));
            }
            v.truncate(n);
            if physical == Physical::Int32 {
                v.iter_mut().for_each(|x| *x = i64::from(*x as i32));
            }
            Raw::Int(v)
        }
        (DELTA_LENGTH_BYTE_ARRAY, Physical::ByteArray) => {
            let mut v = ByteValues::default();
            delta_length_byte_array(data, n, &mut v)?;
            Raw::Bytes(v)
        }
        (DELTA_BYTE_ARRAY, Physical::ByteArray | Physical::FixedLenByteArray(_)) => {
            let mut v = ByteValues::default();
            delta_byte_array(data, n, &mut v, max_bytes)?;
            Raw::Bytes(v)
        }
        (BYTE_STREAM_SPLIT, _) => {
            let width = match physical {
                Physical::Int32 | Physical::Float => 4,
                Physical::Int64 | Physical::Double => 8,
                Physical::FixedLenByteArray(w) => w,
                _ => return Err("BYTE_STREAM_SPLIT on an unsupported type".into()),
            };
            let joined = byte_stream_split(data, width, n)?;
            plain(&joined, physical, n)?.0
        }
        (e, p) => {
            return Err(format!(
                "encoding {} is not supported for {p:?} values",
                encoding_name(e)
            ))
        }
    })
}

/// The name of an encoding number, for messages.
pub fn encoding_name(e: i32) -> String {
    match e {
        0 => "PLAIN".into(),
        2 => "PLAIN_DICTIONARY".into(),
        3 => "RLE".into(),
        4 => "BIT_PACKED".into(),
        5 => "DELTA_BINARY_PACKED".into(),
        6 => "DELTA_LENGTH_BYTE_ARRAY".into(),
        7 => "DELTA_BYTE_ARRAY".into(),
        8 => "RLE_DICTIONARY".into(),
        9 => "BYTE_STREAM_SPLIT".into(),
        e => format!("#{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rle_hybrid_reads_both_run_kinds() {
        // RLE run (header 3 << 1): 3 × value 5 (width 3); bit-packed run
        // (header 1 << 1 | 1): one group of 8 values 0..8
        let mut data = vec![0x06, 0x05, 0x03];
        // 0..8 with width 3, LSB first: 0b_111_110_101_100_011_010_001_000
        let bits: u32 = (0..8).fold(0, |acc, v| acc | (v << (3 * v)));
        data.extend_from_slice(&bits.to_le_bytes()[..3]);
        let mut out = Vec::new();
        let used = rle_hybrid(&data, 3, 11, &mut out).expect("valid");
        assert_eq!(out, [5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(used, data.len());
        // asking for more than there is is an error, not a panic
        assert!(rle_hybrid(&data, 3, 20, &mut Vec::new()).is_err());
    }

    #[test]
    fn unpack_agrees_with_a_bit_by_bit_reading_for_every_width() {
        let data: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for width in 0..=64u32 {
            let n = data.len() * 8 / width.max(1) as usize + 3; // a few past the end
            let mut got = Vec::new();
            unpack(&data, width, n, |v| got.push(v));
            for (i, &v) in got.iter().enumerate() {
                let expected = (0..width as usize).fold(0u64, |acc, b| {
                    let bit = i * width as usize + b;
                    let set = data
                        .get(bit / 8)
                        .is_some_and(|byte| byte >> (bit % 8) & 1 == 1);
                    acc | (u64::from(set) << b)
                });
                assert_eq!(v, expected, "width {width} value {i}");
            }
        }
    }

    #[test]
    fn delta_binary_packed_matches_the_spec_example() {
        // Encodings.md: 1, 2, 3, 4, 5 → block 128, 4 miniblocks, 5 values,
        // first 1, min delta 1, widths 0 → no packed bytes.
        let data = [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0];
        let (v, used) = delta_binary_packed(&data, 5).expect("valid");
        assert!(
            delta_binary_packed(&data, 4).is_err(),
            "more values than the page holds"
        );
        assert_eq!(v, [1, 2, 3, 4, 5]);
        assert_eq!(used, data.len());
    }

    #[test]
    fn byte_stream_split_interleaves_back() {
        let data = [1u8, 2, 3, 10, 20, 30];
        assert_eq!(
            byte_stream_split(&data, 2, 3).expect("ok"),
            [1, 10, 2, 20, 3, 30]
        );
        assert!(byte_stream_split(&data, 4, 3).is_err());
    }

    #[test]
    fn plain_byte_arrays_and_truncation() {
        let data = [2, 0, 0, 0, b'h', b'i', 0, 0, 0, 0];
        let (raw, used) = plain(&data, Physical::ByteArray, 2).expect("valid");
        let Raw::Bytes(v) = raw else { panic!("bytes") };
        assert_eq!(v.get(0), b"hi");
        assert_eq!(v.get(1), b"");
        assert_eq!(used, 10);
        assert!(plain(&data, Physical::ByteArray, 3).is_err());
        assert!(plain(&data, Physical::Double, 2).is_err());
    }
}
