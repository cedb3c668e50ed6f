//! Thrift compact protocol, read side: just what Parquet's footer and page
//! headers need (structs, lists, integers, binary, booleans), with every
//! length and nesting depth checked against the bytes at hand.
//!
//! Reference: the Thrift compact protocol specification
//! (`doc/specs/thrift-compact-protocol.md` in apache/thrift).

/// Element and field types of the compact protocol.
pub const BOOL_TRUE: u8 = 1;
pub const BOOL_FALSE: u8 = 2;
pub const BYTE: u8 = 3;
pub const I16: u8 = 4;
pub const I32: u8 = 5;
pub const I64: u8 = 6;
pub const DOUBLE: u8 = 7;
pub const BINARY: u8 = 8;
pub const LIST: u8 = 9;
pub const SET: u8 = 10;
pub const MAP: u8 = 11;
pub const STRUCT: u8 = 12;

/// Deepest nesting skipped over (Parquet's own structs nest about 5 deep).
const MAX_DEPTH: usize = 64;

/// Why a read stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThriftError {
    /// The bytes ended inside a value: more bytes may complete it.
    Eof,
    /// The bytes are not valid compact Thrift.
    Invalid(String),
}

impl std::fmt::Display for ThriftError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThriftError::Eof => f.write_str("metadata ends early"),
            ThriftError::Invalid(m) => write!(f, "corrupt metadata: {m}"),
        }
    }
}

pub type TResult<T> = Result<T, ThriftError>;

fn invalid<T>(message: impl Into<String>) -> TResult<T> {
    Err(ThriftError::Invalid(message.into()))
}

/// Why a varint could not be read.
#[derive(Debug)]
pub enum VarintError {
    /// The bytes ended inside it.
    Eof,
    Invalid(&'static str),
}

/// An unsigned LEB128 varint at `*pos`, advancing `pos` past it (Thrift's
/// compact protocol and Parquet's delta encodings share the format).
pub fn read_uvarint(buf: &[u8], pos: &mut usize) -> Result<u64, VarintError> {
    let mut out = 0u64;
    for shift in (0..70).step_by(7) {
        let b = *buf.get(*pos).ok_or(VarintError::Eof)?;
        *pos += 1;
        if shift == 63 && b > 1 {
            return Err(VarintError::Invalid("varint overflows 64 bits"));
        }
        out |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(out);
        }
    }
    Err(VarintError::Invalid("varint longer than 10 bytes"))
}

/// A zigzag-encoded signed integer from its varint.
pub fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

/// A cursor over compact-protocol bytes.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A field header: its id and compact type.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub id: i16,
    pub kind: u8,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn byte(&mut self) -> TResult<u8> {
        let b = *self.buf.get(self.pos).ok_or(ThriftError::Eof)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> TResult<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(ThriftError::Eof)?;
        let s = self.buf.get(self.pos..end).ok_or(ThriftError::Eof)?;
        self.pos = end;
        Ok(s)
    }

    /// An unsigned LEB128 varint.
    pub fn uvarint(&mut self) -> TResult<u64> {
        read_uvarint(self.buf, &mut self.pos).map_err(|e| match e {
            VarintError::Eof => ThriftError::Eof,
            VarintError::Invalid(m) => ThriftError::Invalid(m.into()),
        })
    }

    fn zigzag(&mut self) -> TResult<i64> {
        self.uvarint().map(unzigzag)
    }

    /// A `byte` (i8) value: one raw byte.
    pub fn raw_byte(&mut self) -> TResult<u8> {
        self.byte()
    }

    pub fn i64(&mut self) -> TResult<i64> {
        self.zigzag()
    }

    pub fn i32(&mut self) -> TResult<i32> {
        i32::try_from(self.zigzag()?).or_else(|_| invalid("i32 out of range"))
    }

    /// A boolean field's value: compact Thrift keeps it in the field type.
    pub fn bool_field(&self, field: Field) -> TResult<bool> {
        match field.kind {
            BOOL_TRUE => Ok(true),
            BOOL_FALSE => Ok(false),
            k => invalid(format!(
                "field {} is type {k}, expected a boolean",
                field.id
            )),
        }
    }

    pub fn binary(&mut self) -> TResult<&'a [u8]> {
        let n = usize::try_from(self.uvarint()?).or_else(|_| invalid("length too large"))?;
        self.take(n)
    }

    pub fn string(&mut self) -> TResult<String> {
        Ok(String::from_utf8_lossy(self.binary()?).into_owned())
    }

    /// A list or set header: element count and element type. The count is
    /// checked against the bytes left (every element takes at least one byte,
    /// except booleans and empty structs, which the caller reads one by one).
    pub fn list(&mut self) -> TResult<(usize, u8)> {
        let h = self.byte()?;
        let kind = h & 0x0f;
        let n = match h >> 4 {
            15 => usize::try_from(self.uvarint()?).or_else(|_| invalid("list too long"))?,
            n => usize::from(n),
        };
        if n > self.buf.len().saturating_sub(self.pos) {
            return Err(ThriftError::Eof);
        }
        Ok((n, kind))
    }

    /// The next field header of a struct, `None` at its end. `last` is the
    /// id of the previous field (0 at the start), updated here.
    pub fn field(&mut self, last: &mut i16) -> TResult<Option<Field>> {
        let h = self.byte()?;
        if h == 0 {
            return Ok(None);
        }
        let kind = h & 0x0f;
        let delta = h >> 4;
        let id = if delta == 0 {
            i16::try_from(self.zigzag()?).or_else(|_| invalid("field id out of range"))?
        } else {
            last.checked_add(i16::from(delta))
                .ok_or_else(|| ThriftError::Invalid("field id overflows".into()))?
        };
        *last = id;
        Ok(Some(Field { id, kind }))
    }

    /// Read and discard a value of compact type `kind`.
    pub fn skip(&mut self, kind: u8) -> TResult<()> {
        self.skip_depth(kind, 0)
    }

    fn skip_depth(&mut self, kind: u8, depth: usize) -> TResult<()> {
        if depth > MAX_DEPTH {
            return invalid("nested too deeply");
        }
        match kind {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.byte().map(drop),
            I16 | I32 | I64 => self.uvarint().map(drop),
            DOUBLE => self.take(8).map(drop),
            BINARY => self.binary().map(drop),
            LIST | SET => {
                let (n, elem) = self.list()?;
                for _ in 0..n {
                    self.skip_element(elem, depth + 1)?;
                }
                Ok(())
            }
            MAP => {
                let n = usize::try_from(self.uvarint()?).or_else(|_| invalid("map too long"))?;
                if n == 0 {
                    return Ok(());
                }
                if n > self.buf.len().saturating_sub(self.pos) {
                    return Err(ThriftError::Eof);
                }
                let types = self.byte()?;
                for _ in 0..n {
                    self.skip_element(types >> 4, depth + 1)?;
                    self.skip_element(types & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            STRUCT => {
                let mut last = 0;
                while let Some(f) = self.field(&mut last)? {
                    self.skip_depth(f.kind, depth + 1)?;
                }
                Ok(())
            }
            k => invalid(format!("unknown type {k}")),
        }
    }

    /// Skip a list, set or map element: booleans there take a byte of
    /// their own (in a struct they live in the field header).
    fn skip_element(&mut self, kind: u8, depth: usize) -> TResult<()> {
        if matches!(kind, BOOL_TRUE | BOOL_FALSE) {
            self.byte().map(drop)
        } else {
            self.skip_depth(kind, depth)
        }
    }

    /// Read a struct, calling `on_field` for each field; fields it does not
    /// read must be skipped by it (return `false` to have them skipped here).
    pub fn read_struct(
        &mut self,
        mut on_field: impl FnMut(&mut Self, Field) -> TResult<bool>,
    ) -> TResult<()> {
        let mut last = 0;
        while let Some(f) = self.field(&mut last)? {
            if !on_field(self, f)? {
                self.skip(f.kind)?;
            }
        }
        Ok(())
    }

    /// Read a list of structs (or any element), each with `each`.
    pub fn read_list<T>(
        &mut self,
        mut each: impl FnMut(&mut Self, u8) -> TResult<T>,
    ) -> TResult<Vec<T>> {
        let (n, kind) = self.list()?;
        let mut out = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            out.push(each(self, kind)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_zigzag_and_fields() {
        // struct { 1: i32 = -3, 2: binary "ab", 5: bool true, 20: i64 = 300 } stop
        let bytes = [
            0x15, 0x05, // field 1 (delta 1), i32, zigzag(-3) = 5
            0x18, 0x02, b'a', b'b', // field 2, binary len 2
            0x31, // field 5 (delta 3), bool true
            0x06, 0x28, 0xd8,
            0x04, // long form: type i64, id zigzag(20)=40, value zigzag(300)=600
            0x00,
        ];
        let mut r = Reader::new(&bytes);
        let mut seen = Vec::new();
        r.read_struct(|r, f| {
            match (f.id, f.kind) {
                (1, I32) => seen.push(format!("1={}", r.i32()?)),
                (2, BINARY) => seen.push(format!("2={}", r.string()?)),
                (5, _) => seen.push(format!("5={}", r.bool_field(f)?)),
                (20, I64) => seen.push(format!("20={}", r.i64()?)),
                _ => return Ok(false),
            }
            Ok(true)
        })
        .expect("valid struct");
        assert_eq!(seen, ["1=-3", "2=ab", "5=true", "20=300"]);
        assert_eq!(r.position(), bytes.len());
    }

    #[test]
    fn truncated_input_is_eof_not_a_panic() {
        let bytes = [0x18, 0x05, b'a'];
        let mut r = Reader::new(&bytes);
        let err = r.read_struct(|_, _| Ok(false)).expect_err("truncated");
        assert_eq!(err, ThriftError::Eof);
        // a list claiming more elements than bytes left
        let mut r = Reader::new(&[0xf5, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(r.list().expect_err("too long"), ThriftError::Eof);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bytes = vec![0x1c; 100]; // field 1: struct, 100 times
        bytes.extend([0u8; 100]);
        let mut r = Reader::new(&bytes);
        let err = r.skip(STRUCT).expect_err("too deep");
        assert!(matches!(err, ThriftError::Invalid(_)), "{err:?}");
    }
}
