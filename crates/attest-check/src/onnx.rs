//! What Attest reads of an ONNX model file: its inputs and outputs (names,
//! element types, shapes), its operators, and the one rewrite the runtimes
//! need — ZipMap removed, so that classifiers give their probabilities as a
//! tensor (ZipMap's sequence of maps cannot be read from JavaScript).
//!
//! The file is a protobuf `ModelProto` (onnx.proto3 of the ONNX project);
//! this reader decodes only the fields named here, bounds-checks every
//! length, and leaves every other field's bytes as they are.

use std::collections::HashSet;

use crate::error::{Error, Result};

/// Largest model file Attest loads (the browser holds it twice: as bytes
/// and in ONNX Runtime).
pub const MAX_MODEL_BYTES: usize = 512 << 20;

/// An ONNX tensor element type (`TensorProto.DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    Float,
    Double,
    Int64,
    Int32,
    String,
    Bool,
    /// Any other type, by its number.
    Other(i64),
}

impl Elem {
    fn from_code(code: i64) -> Self {
        match code {
            1 => Elem::Float,
            11 => Elem::Double,
            7 => Elem::Int64,
            6 => Elem::Int32,
            8 => Elem::String,
            9 => Elem::Bool,
            c => Elem::Other(c),
        }
    }

    /// The ONNX name of the type (`tensor(float)` shows `float`).
    pub fn name(self) -> String {
        match self {
            Elem::Float => "float".into(),
            Elem::Double => "double".into(),
            Elem::Int64 => "int64".into(),
            Elem::Int32 => "int32".into(),
            Elem::String => "string".into(),
            Elem::Bool => "bool".into(),
            Elem::Other(c) => format!("type {c}"),
        }
    }

    /// Whether values of this type are integers.
    pub fn is_integer(self) -> bool {
        matches!(self, Elem::Int64 | Elem::Int32)
    }
}

/// The type of a graph input or output.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueType {
    /// A tensor: element type and dimensions (`None` for a symbolic or
    /// unknown one, such as the batch size).
    Tensor {
        elem: Elem,
        dims: Option<Vec<Option<i64>>>,
    },
    /// A sequence (ZipMap's output is a sequence of maps).
    Sequence,
    /// A map.
    Map,
    /// Anything else.
    Other,
}

impl ValueType {
    /// The ONNX text of the type, as `tensor(float)`.
    pub fn describe(&self) -> String {
        match self {
            ValueType::Tensor { elem, .. } => format!("tensor({})", elem.name()),
            ValueType::Sequence => "sequence".into(),
            ValueType::Map => "map".into(),
            ValueType::Other => "an unsupported type".into(),
        }
    }
}

/// A graph input or output.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub name: String,
    pub ty: ValueType,
}

impl Value {
    /// The number of values a row takes: the last dimension of a rank-2
    /// tensor when it is known, 1 for rank 1; `None` when unknown.
    pub fn width(&self) -> Option<usize> {
        match &self.ty {
            ValueType::Tensor { dims: Some(d), .. } => match d.as_slice() {
                [_] => Some(1),
                [_, Some(w)] if *w >= 0 => usize::try_from(*w).ok(),
                _ => None,
            },
            _ => None,
        }
    }

    /// The element type of a tensor value.
    pub fn elem(&self) -> Option<Elem> {
        match &self.ty {
            ValueType::Tensor { elem, .. } => Some(*elem),
            _ => None,
        }
    }
}

/// What Attest knows of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    /// The graph inputs that are not initializers, in graph order.
    pub inputs: Vec<Value>,
    pub outputs: Vec<Value>,
    /// The operators of the main graph, in order (`domain:op` for a
    /// domain other than the default, e.g. `ai.onnx.ml:TreeEnsembleClassifier`).
    pub operators: Vec<String>,
    /// Who wrote the file (`producer_name` and version).
    pub producer: String,
    /// The classes of a classifier, in the order of its probability
    /// columns (the first node with a `classlabels_*` attribute).
    pub classes: Option<Vec<String>>,
    /// Whether a node's operator is ZipMap (what [`strip_zipmap`] removes).
    pub zipmap: bool,
}

impl ModelInfo {
    /// Whether the graph has a ZipMap node.
    pub fn has_zipmap(&self) -> bool {
        self.zipmap
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error::Model(format!("not a readable ONNX model: {}", message.into()))
}

/// One protobuf field: number, wire type, and its payload (the varint or
/// the bytes).
struct Field<'a> {
    number: u64,
    varint: u64,
    bytes: &'a [u8],
    /// The field's whole encoding (tag included), to copy it unchanged.
    raw: &'a [u8],
}

/// A protobuf message's fields, in order.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
}

fn varint(data: &[u8], pos: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..70).step_by(7) {
        let b = *data.get(*pos).ok_or_else(|| bad("truncated varint"))?;
        *pos += 1;
        if shift == 63 && b > 1 {
            return Err(bad("varint longer than 64 bits"));
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(bad("varint longer than 10 bytes"))
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<Field<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() {
            return None;
        }
        Some(self.field())
    }
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn field(&mut self) -> Result<Field<'a>> {
        let start = self.pos;
        let tag = varint(self.data, &mut self.pos)?;
        let number = tag >> 3;
        let mut field = Field {
            number,
            varint: 0,
            bytes: &[],
            raw: &[],
        };
        match tag & 7 {
            0 => field.varint = varint(self.data, &mut self.pos)?,
            1 | 5 => {
                let n = if tag & 7 == 1 { 8 } else { 4 };
                let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len());
                let end = end.ok_or_else(|| bad("truncated fixed-width field"))?;
                field.bytes = &self.data[self.pos..end];
                self.pos = end;
            }
            2 => {
                let len = varint(self.data, &mut self.pos)?;
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|l| self.pos.checked_add(l))
                    .filter(|e| *e <= self.data.len())
                    .ok_or_else(|| bad(format!("field {number} runs past the end")))?;
                field.bytes = &self.data[self.pos..end];
                self.pos = end;
            }
            w => return Err(bad(format!("field {number} has wire type {w}"))),
        }
        field.raw = &self.data[start..self.pos];
        Ok(field)
    }
}

fn text(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| bad("a name is not UTF-8"))
}

/// The graph (field 7) of a model, and the producer.
fn graph_of(bytes: &[u8]) -> Result<(&[u8], String)> {
    let mut graph = None;
    let mut producer = String::new();
    let mut version = String::new();
    for f in Fields::new(bytes) {
        let f = f?;
        match f.number {
            2 => producer = text(f.bytes)?,
            3 => version = text(f.bytes)?,
            7 => graph = Some(f.bytes),
            _ => {}
        }
    }
    let graph = graph.ok_or_else(|| bad("the file has no graph"))?;
    let producer = format!("{producer} {version}").trim().to_string();
    Ok((graph, producer))
}

fn tensor_type(bytes: &[u8]) -> Result<ValueType> {
    let mut elem = Elem::Other(0);
    let mut dims = None;
    for f in Fields::new(bytes) {
        let f = f?;
        match f.number {
            1 => elem = Elem::from_code(f.varint as i64),
            2 => {
                let mut d = Vec::new();
                for dim in Fields::new(f.bytes) {
                    let dim = dim?;
                    if dim.number != 1 {
                        continue;
                    }
                    let mut value = None;
                    for part in Fields::new(dim.bytes) {
                        let part = part?;
                        if part.number == 1 {
                            value = Some(part.varint as i64);
                        }
                    }
                    d.push(value);
                }
                dims = Some(d);
            }
            _ => {}
        }
    }
    Ok(ValueType::Tensor { elem, dims })
}

fn value_info(bytes: &[u8]) -> Result<Value> {
    let mut name = String::new();
    let mut ty = ValueType::Other;
    for f in Fields::new(bytes) {
        let f = f?;
        match f.number {
            1 => name = text(f.bytes)?,
            2 => {
                for t in Fields::new(f.bytes) {
                    let t = t?;
                    ty = match t.number {
                        1 => tensor_type(t.bytes)?,
                        4 => ValueType::Sequence,
                        5 => ValueType::Map,
                        _ => continue,
                    };
                }
            }
            _ => {}
        }
    }
    Ok(Value { name, ty })
}

/// A node's inputs, outputs, op type, domain and class labels.
struct Node {
    inputs: Vec<String>,
    outputs: Vec<String>,
    op: String,
    domain: String,
    classes: Option<Vec<String>>,
}

/// The class labels of a `classlabels_ints`, `classlabels_int64s` or
/// `classlabels_strings` attribute (`AttributeProto`: name 1, ints 8,
/// strings 9).
fn class_labels(bytes: &[u8]) -> Result<Option<Vec<String>>> {
    let mut name = String::new();
    let mut ints = Vec::new();
    let mut strings = Vec::new();
    for f in Fields::new(bytes) {
        let f = f?;
        match f.number {
            1 => name = text(f.bytes)?,
            8 if f.raw.first().is_some_and(|t| t & 7 == 2) => {
                let mut pos = 0;
                while pos < f.bytes.len() {
                    ints.push(varint(f.bytes, &mut pos)? as i64);
                }
            }
            8 => ints.push(f.varint as i64),
            9 => strings.push(text(f.bytes)?),
            _ => {}
        }
    }
    Ok(match name.as_str() {
        "classlabels_ints" | "classlabels_int64s" => {
            Some(ints.iter().map(i64::to_string).collect())
        }
        "classlabels_strings" => Some(strings),
        _ => None,
    })
}

fn node(bytes: &[u8]) -> Result<Node> {
    let mut n = Node {
        inputs: Vec::new(),
        outputs: Vec::new(),
        op: String::new(),
        domain: String::new(),
        classes: None,
    };
    for f in Fields::new(bytes) {
        let f = f?;
        match f.number {
            1 => n.inputs.push(text(f.bytes)?),
            2 => n.outputs.push(text(f.bytes)?),
            4 => n.op = text(f.bytes)?,
            7 => n.domain = text(f.bytes)?,
            5 if n.classes.is_none() => n.classes = class_labels(f.bytes)?,
            _ => {}
        }
    }
    Ok(n)
}

fn initializer_name(bytes: &[u8]) -> Result<Option<String>> {
    for f in Fields::new(bytes) {
        let f = f?;
        if f.number == 8 {
            return Ok(Some(text(f.bytes)?));
        }
    }
    Ok(None)
}

/// Read a model's inputs, outputs and operators.
pub fn inspect(bytes: &[u8]) -> Result<ModelInfo> {
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(Error::Model(format!(
            "the model file has {} bytes; Attest reads models of up to {} MB",
            bytes.len(),
            MAX_MODEL_BYTES >> 20
        )));
    }
    let (graph, producer) = graph_of(bytes)?;
    let mut initializers = HashSet::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut operators = Vec::new();
    let mut classes = None;
    let mut zipmap = false;
    for f in Fields::new(graph) {
        let f = f?;
        match f.number {
            1 => {
                let n = node(f.bytes)?;
                if classes.is_none() {
                    classes = n.classes;
                }
                zipmap |= n.op == "ZipMap";
                operators.push(match n.domain.as_str() {
                    "" | "ai.onnx" => n.op,
                    d => format!("{d}:{}", n.op),
                });
            }
            5 => {
                if let Some(name) = initializer_name(f.bytes)? {
                    initializers.insert(name);
                }
            }
            11 => inputs.push(value_info(f.bytes)?),
            12 => outputs.push(value_info(f.bytes)?),
            _ => {}
        }
    }
    inputs.retain(|v| !initializers.contains(&v.name));
    if inputs.is_empty() {
        return Err(bad("the graph has no inputs"));
    }
    if outputs.is_empty() {
        return Err(bad("the graph has no outputs"));
    }
    Ok(ModelInfo {
        inputs,
        outputs,
        operators,
        producer,
        classes,
        zipmap,
    })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A length-delimited field.
fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, (number << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A node with every input and output named `from` renamed `to`.
fn renamed_node(bytes: &[u8], from: &str, to: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 16);
    for f in Fields::new(bytes) {
        let f = f?;
        if (f.number == 1 || f.number == 2) && f.bytes == from.as_bytes() {
            put_bytes(&mut out, f.number, to.as_bytes());
        } else {
            out.extend_from_slice(f.raw);
        }
    }
    Ok(out)
}

/// The model without its ZipMap nodes: each ZipMap's input tensor (the
/// class probabilities, `[N, classes]` floats) becomes the graph output
/// the ZipMap wrote, under the same name. A model without ZipMap comes back
/// unchanged.
pub fn strip_zipmap(bytes: &[u8]) -> Result<Vec<u8>> {
    let (graph, _) = graph_of(bytes)?;
    // (ZipMap input, ZipMap output) pairs.
    let mut zipmaps = Vec::new();
    for f in Fields::new(graph) {
        let f = f?;
        if f.number == 1 {
            let n = node(f.bytes)?;
            if n.op == "ZipMap" {
                match (n.inputs.as_slice(), n.outputs.as_slice()) {
                    ([i], [o]) => zipmaps.push((i.clone(), o.clone())),
                    _ => return Err(bad("a ZipMap node without one input and one output")),
                }
            }
        }
    }
    if zipmaps.is_empty() {
        return Ok(bytes.to_vec());
    }
    let mut new_graph = Vec::with_capacity(graph.len());
    for f in Fields::new(graph) {
        let f = f?;
        match f.number {
            1 => {
                let n = node(f.bytes)?;
                if n.op == "ZipMap" {
                    continue;
                }
                let mut b = f.bytes.to_vec();
                for (from, to) in &zipmaps {
                    b = renamed_node(&b, from, to)?;
                }
                put_bytes(&mut new_graph, 1, &b);
            }
            12 => {
                let v = value_info(f.bytes)?;
                if zipmaps.iter().any(|(_, o)| *o == v.name) {
                    // ValueInfoProto { name, type: TypeProto { tensor_type:
                    // { elem_type: FLOAT } } }; the shape is left unknown.
                    let mut tensor = Vec::new();
                    put_varint(&mut tensor, 1 << 3);
                    put_varint(&mut tensor, 1);
                    let mut ty = Vec::new();
                    put_bytes(&mut ty, 1, &tensor);
                    let mut info = Vec::new();
                    put_bytes(&mut info, 1, v.name.as_bytes());
                    put_bytes(&mut info, 2, &ty);
                    put_bytes(&mut new_graph, 12, &info);
                } else {
                    new_graph.extend_from_slice(f.raw);
                }
            }
            13 => {
                // Shape information of the renamed tensors is dropped.
                let v = value_info(f.bytes)?;
                if !zipmaps.iter().any(|(i, o)| *i == v.name || *o == v.name) {
                    new_graph.extend_from_slice(f.raw);
                }
            }
            _ => new_graph.extend_from_slice(f.raw),
        }
    }
    let mut out = Vec::with_capacity(bytes.len());
    for f in Fields::new(bytes) {
        let f = f?;
        if f.number == 7 {
            put_bytes(&mut out, 7, &new_graph);
        } else {
            out.extend_from_slice(f.raw);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-made model: input X float [N, 3], a ZipMap from `probs` to
    /// `output_probability`, outputs `label` int64 [N] and the ZipMap's.
    fn tiny() -> Vec<u8> {
        let tensor = |elem: u64, dims: &[Option<i64>]| {
            let mut shape = Vec::new();
            for d in dims {
                let mut dim = Vec::new();
                match d {
                    Some(v) => {
                        put_varint(&mut dim, 1 << 3);
                        put_varint(&mut dim, *v as u64);
                    }
                    None => put_bytes(&mut dim, 2, b"N"),
                }
                put_bytes(&mut shape, 1, &dim);
            }
            let mut t = Vec::new();
            put_varint(&mut t, 1 << 3);
            put_varint(&mut t, elem);
            put_bytes(&mut t, 2, &shape);
            let mut ty = Vec::new();
            put_bytes(&mut ty, 1, &t);
            ty
        };
        let info = |name: &str, ty: &[u8]| {
            let mut v = Vec::new();
            put_bytes(&mut v, 1, name.as_bytes());
            put_bytes(&mut v, 2, ty);
            v
        };
        let node = |ins: &[&str], outs: &[&str], op: &str| {
            let mut n = Vec::new();
            for i in ins {
                put_bytes(&mut n, 1, i.as_bytes());
            }
            for o in outs {
                put_bytes(&mut n, 2, o.as_bytes());
            }
            put_bytes(&mut n, 4, op.as_bytes());
            n
        };
        let mut g = Vec::new();
        put_bytes(
            &mut g,
            1,
            &node(&["X"], &["label", "probs"], "LinearClassifier"),
        );
        put_bytes(
            &mut g,
            1,
            &node(&["probs"], &["output_probability"], "ZipMap"),
        );
        put_bytes(&mut g, 11, &info("X", &tensor(1, &[None, Some(3)])));
        put_bytes(&mut g, 12, &info("label", &tensor(7, &[None])));
        let mut seq = Vec::new();
        put_bytes(&mut seq, 4, b"");
        put_bytes(&mut g, 12, &info("output_probability", &seq));
        let mut m = Vec::new();
        put_varint(&mut m, 1 << 3);
        put_varint(&mut m, 8);
        put_bytes(&mut m, 2, b"test");
        put_bytes(&mut m, 7, &g);
        m
    }

    #[test]
    fn reads_inputs_outputs_and_strips_zipmap() {
        let info = inspect(&tiny()).expect("inspects");
        assert_eq!(info.inputs.len(), 1);
        assert_eq!(info.inputs[0].name, "X");
        assert_eq!(info.inputs[0].width(), Some(3));
        assert_eq!(info.inputs[0].elem(), Some(Elem::Float));
        assert!(info.has_zipmap());
        assert_eq!(info.outputs[1].ty, ValueType::Sequence);
        let stripped = strip_zipmap(&tiny()).expect("strips");
        let s = inspect(&stripped).expect("inspects");
        assert!(!s.has_zipmap());
        assert_eq!(s.operators, vec!["LinearClassifier".to_string()]);
        assert_eq!(s.outputs[1].name, "output_probability");
        assert_eq!(s.outputs[1].elem(), Some(Elem::Float));
        // Idempotent once stripped.
        assert_eq!(strip_zipmap(&stripped).expect("strips"), stripped);
    }

    #[test]
    fn hostile_bytes_are_errors() {
        let good = tiny();
        for cut in 0..good.len() {
            let _ = inspect(&good[..cut]);
            let _ = strip_zipmap(&good[..cut]);
        }
        for i in 0..good.len() {
            let mut b = good.clone();
            b[i] ^= 0x5a;
            let _ = inspect(&b);
            let _ = strip_zipmap(&b);
        }
        assert!(inspect(b"").is_err());
        assert!(inspect(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }
}
