//! The `.npy` header: NumPy's framing (magic, version, length, padding)
//! around a Python dict literal, written byte for byte as `np.save` writes
//! it, and read back through the literal parser of `literal.rs` into a
//! checked [`NpyHeader`]: exactly the keys `descr`, `fortran_order` and
//! `shape`, a dtype tensorbridge holds (others are refused by name), and a
//! shape whose byte size does not overflow. Property tests below feed
//! [`NpyHeader::parse`] random bytes, token soup and mutated valid headers.

#![deny(unsafe_code)]

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{checked_numel, MAX_NDIM};

use super::literal::{Parser, Value};

/// The first six bytes of every `.npy` file.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Longest header text accepted (NumPy's own default `max_header_size`); a
/// tensor's header needs under 2 KB even with 64 dimensions.
pub const MAX_HEADER_BYTES: usize = 10_000;

/// NumPy pads headers so the data starts at a multiple of this.
pub const ARRAY_ALIGN: usize = 64;

/// NumPy leaves room for the growth axis's length to reach this many digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// Byte order of the elements in a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    /// `<`
    Little,
    /// `>`
    Big,
    /// `|`: one-byte elements have no byte order.
    NotApplicable,
}

impl ByteOrder {
    /// This machine's order.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };

    fn char(self) -> char {
        match self {
            ByteOrder::Little => '<',
            ByteOrder::Big => '>',
            ByteOrder::NotApplicable => '|',
        }
    }
}

/// A parsed `.npy` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    /// Format version `(major, minor)`: 1.0, 2.0 or 3.0.
    pub version: (u8, u8),
    /// Element type.
    pub dtype: DType,
    /// Byte order of the elements.
    pub byte_order: ByteOrder,
    /// True when the elements are stored in Fortran (column-major) order.
    pub fortran_order: bool,
    /// Dimension sizes.
    pub shape: Vec<usize>,
    /// Byte offset of the first element in the file.
    pub data_offset: usize,
}

impl NpyHeader {
    /// Parses the header at the start of `bytes` (the file's first bytes;
    /// what follows the header is ignored).
    pub fn parse(bytes: &[u8]) -> Result<NpyHeader> {
        let bad = |reason, offset| Error::NpyMalformed { reason, offset };
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            let n = bytes.len().min(MAGIC.len());
            return Err(if bytes[..n] == MAGIC[..n] {
                bad("the file ends inside the header", bytes.len())
            } else if bytes.starts_with(b"PK\x03\x04") {
                bad(
                    "this is a zip archive (.npz), not a .npy file; open it with np.load and pass one array",
                    0,
                )
            } else {
                bad("the file does not start with the .npy magic string \\x93NUMPY", 0)
            });
        }
        let (major, minor) = match bytes.get(6..8) {
            Some(v) => (v[0], v[1]),
            None => return Err(bad("the file ends inside the header", bytes.len())),
        };
        let len_bytes = match (major, minor) {
            (1, 0) => 2,
            (2, 0) | (3, 0) => 4,
            _ => return Err(Error::NpyVersion { major, minor }),
        };
        let start = 8 + len_bytes;
        let Some(len_field) = bytes.get(8..start) else {
            return Err(bad("the file ends inside the header", bytes.len()));
        };
        let header_len = len_field.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if header_len > MAX_HEADER_BYTES as u64 {
            return Err(Error::NpyHeaderTooLarge {
                len_bytes: header_len,
                max_bytes: MAX_HEADER_BYTES,
            });
        }
        let data_offset = start + header_len as usize;
        let Some(text) = bytes.get(start..data_offset) else {
            return Err(bad("the file ends inside the header", bytes.len()));
        };
        let dict = Parser::new(text, start).header_dict()?;
        let (descr, fortran_order, shape) = header_fields(dict, start)?;
        let (dtype, byte_order) = parse_descr(&descr, start)?;
        let header = NpyHeader {
            version: (major, minor),
            dtype,
            byte_order,
            fortran_order,
            shape,
            data_offset,
        };
        header.data_len_bytes()?;
        Ok(header)
    }

    /// Bytes of element data the header describes (overflow-checked).
    pub fn data_len_bytes(&self) -> Result<usize> {
        let numel = checked_numel(&self.shape)?;
        numel
            .checked_mul(self.dtype.itemsize())
            .filter(|&n| n <= isize::MAX as usize)
            .ok_or(Error::Overflow {
                what: "the .npy data size",
            })
    }

    /// True when the elements must be byte-swapped into native order.
    pub fn needs_swap(&self) -> bool {
        self.byte_order != ByteOrder::NotApplicable && self.byte_order != ByteOrder::NATIVE
    }

    /// The descr string, e.g. `"<f4"` (`"<V2"` for bfloat16, as NumPy writes
    /// an `ml_dtypes.bfloat16` array).
    pub fn descr(&self) -> String {
        format!("{}{}", self.byte_order.char(), self.dtype.info().typestr)
    }

    /// The header for a C-order tensor of `dtype` and `shape` in native
    /// byte order.
    pub fn for_tensor(dtype: DType, shape: &[usize]) -> NpyHeader {
        NpyHeader {
            version: (1, 0),
            dtype,
            byte_order: if dtype.itemsize() == 1 {
                ByteOrder::NotApplicable
            } else {
                ByteOrder::NATIVE
            },
            fortran_order: false,
            shape: shape.to_vec(),
            data_offset: 0,
        }
    }

    /// The header as NumPy writes it, byte for byte: the dict with keys in
    /// sorted order, room for the growth axis, spaces up to a 64-byte
    /// boundary and a newline; version 1.0 unless the header needs more.
    pub fn to_bytes(&self) -> Vec<u8> {
        let shape = match self.shape.as_slice() {
            [] => "()".to_string(),
            [d] => format!("({d},)"),
            dims => format!(
                "({})",
                dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
            ),
        };
        let fortran = if self.fortran_order { "True" } else { "False" };
        let mut text = format!(
            "{{'descr': '{}', 'fortran_order': {fortran}, 'shape': {shape}, }}",
            self.descr()
        );
        let growth_axis = if self.fortran_order {
            self.shape.last()
        } else {
            self.shape.first()
        };
        if let Some(d) = growth_axis {
            let digits = d.to_string().len();
            text.extend(std::iter::repeat_n(' ', GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
        }
        wrap_header(&text)
    }
}

/// Frames header text as NumPy's `_wrap_header_guess_version` does: version
/// 1.0 when it fits a 16-bit length, 2.0 when it needs 32 bits, 3.0 when it
/// is not Latin-1 (UTF-8 text).
pub fn wrap_header(text: &str) -> Vec<u8> {
    let latin1: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
    let (encoded, utf8) = match latin1 {
        Some(bytes) => (bytes, false),
        None => (text.as_bytes().to_vec(), true),
    };
    let frame = |len_bytes: usize| {
        let hlen = encoded.len() + 1;
        let padlen = ARRAY_ALIGN - (MAGIC.len() + 2 + len_bytes + hlen) % ARRAY_ALIGN;
        (hlen + padlen, padlen)
    };
    let (total, padlen) = frame(2);
    let (version, len_bytes, total, padlen) = match (utf8, u16::try_from(total)) {
        (false, Ok(_)) => ((1u8, 0u8), 2, total, padlen),
        _ => {
            let (total, padlen) = frame(4);
            (if utf8 { (3, 0) } else { (2, 0) }, 4, total, padlen)
        }
    };
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_bytes + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version.0, version.1]);
    out.extend_from_slice(&(total as u32).to_le_bytes()[..len_bytes]);
    out.extend_from_slice(&encoded);
    out.extend(std::iter::repeat_n(b' ', padlen));
    out.push(b'\n');
    out
}

/// Picks `descr`, `fortran_order` and `shape` out of the header dict.
fn header_fields(dict: Vec<(Value, Value)>, offset: usize) -> Result<(Value, bool, Vec<usize>)> {
    let bad = |reason| Error::NpyMalformed { reason, offset };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in dict {
        let slot = match &key {
            Value::Str(k) if k == "descr" => &mut descr,
            Value::Str(k) if k == "fortran_order" => &mut fortran,
            Value::Str(k) if k == "shape" => &mut shape,
            _ => {
                return Err(bad(
                    "the header's keys must be exactly 'descr', 'fortran_order' and 'shape'",
                ))
            }
        };
        if slot.replace(value).is_some() {
            return Err(bad("a key appears twice in the header"));
        }
    }
    let (Some(descr), Some(fortran), Some(shape)) = (descr, fortran, shape) else {
        return Err(bad(
            "the header's keys must be exactly 'descr', 'fortran_order' and 'shape'",
        ));
    };
    let Value::Bool(fortran) = fortran else {
        return Err(bad("'fortran_order' must be True or False"));
    };
    let Value::Tuple(dims) = shape else {
        return Err(bad("'shape' must be a tuple of integers"));
    };
    if dims.len() > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: dims.len(),
            max: MAX_NDIM,
        });
    }
    let shape = dims
        .into_iter()
        .map(|d| match d {
            Value::Int(v) if v < 0 => Err(Error::NegativeDim {
                dim: i64::try_from(v).unwrap_or(i64::MIN),
            }),
            Value::Int(v) => usize::try_from(v)
                .ok()
                .filter(|&v| v <= isize::MAX as usize)
                .ok_or(Error::Overflow { what: "a .npy shape" }),
            _ => Err(bad("'shape' must be a tuple of integers")),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((descr, fortran, shape))
}

/// Reads a descr into a dtype and byte order, naming unsupported dtypes.
fn parse_descr(descr: &Value, offset: usize) -> Result<(DType, ByteOrder)> {
    let d = match descr {
        Value::Str(d) => d.as_str(),
        Value::List(fields) => {
            return Err(Error::UnsupportedDType {
                name: format!("a structured dtype ({} fields in the .npy descr)", fields.len()),
            })
        }
        _ => {
            return Err(Error::NpyMalformed {
                reason: "'descr' must be a dtype string",
                offset,
            })
        }
    };
    let (order, code) = match d.as_bytes().first() {
        Some(b'<') => (ByteOrder::Little, &d[1..]),
        Some(b'>') => (ByteOrder::Big, &d[1..]),
        Some(b'|') => (ByteOrder::NotApplicable, &d[1..]),
        Some(b'=') => (ByteOrder::NATIVE, &d[1..]),
        _ => (ByteOrder::NATIVE, d),
    };
    let dtype = match code {
        "?" | "b1" => Some(DType::Bool),
        _ if code.starts_with(['<', '>', '|', '=']) => None,
        _ => DType::from_typestr(code),
    };
    let Some(dtype) = dtype else {
        let kind = match code.as_bytes().first() {
            Some(b'O') => "object",
            Some(b'U') => "str",
            Some(b'S' | b'a') => "bytes",
            Some(b'M') => "datetime64",
            Some(b'm') => "timedelta64",
            Some(b'V') => "void/structured",
            Some(b'f') => "longdouble or another float",
            Some(b'c') => "clongdouble or another complex",
            _ => "unknown",
        };
        let shown: String = d.chars().take(40).collect();
        return Err(Error::UnsupportedDType {
            name: format!("{kind} (.npy descr {shown:?})"),
        });
    };
    let order = if dtype.itemsize() == 1 {
        ByteOrder::NotApplicable
    } else {
        order
    };
    Ok((dtype, order))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes of a valid header (shared with the loader's tests).
    pub(crate) fn header(dtype: DType, shape: &[usize], fortran: bool) -> Vec<u8> {
        let mut h = NpyHeader::for_tensor(dtype, shape);
        h.fortran_order = fortran;
        h.to_bytes()
    }

    #[test]
    fn writes_what_numpy_writes() {
        let b = header(DType::Float32, &[3, 4], false);
        let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(usize::from(u16::from_le_bytes([b[8], b[9]])) + 10, b.len());
        assert_eq!(&b[10..10 + text.len()], text.as_bytes());
        assert_eq!(b.len() % ARRAY_ALIGN, 0);
        assert_eq!(*b.last().unwrap(), b'\n');
        let s = String::from_utf8_lossy(&header(DType::Bool, &[], false)).into_owned();
        assert!(s.contains("{'descr': '|b1', 'fortran_order': False, 'shape': (), }"));
        let s = String::from_utf8_lossy(&header(DType::BFloat16, &[7], false)).into_owned();
        assert!(s.contains("'descr': '<V2'") && s.contains("'shape': (7,), }"));
    }

    #[test]
    fn round_trips_every_dtype() {
        for dt in DType::ALL {
            for (shape, fortran) in [
                (vec![], false),
                (vec![0], false),
                (vec![2, 3, 5], true),
                (vec![1 << 40], false),
            ] {
                let h = NpyHeader::parse(&header(dt, &shape, fortran)).unwrap();
                assert_eq!(
                    (h.dtype, h.shape.clone(), h.fortran_order, h.version),
                    (dt, shape, fortran, (1, 0))
                );
                assert!(!h.needs_swap());
                assert_eq!(h.data_offset % ARRAY_ALIGN, 0);
            }
        }
    }

    #[test]
    fn version_follows_the_header() {
        let long = "x".repeat(70_000);
        assert_eq!(&wrap_header(&long)[6..8], &[2, 0]);
        assert_eq!(&wrap_header("{'é': 1}")[6..8], &[1, 0]);
        assert_eq!(&wrap_header("{'\u{1F600}': 1}")[6..8], &[3, 0]);
        for v in [2u8, 3] {
            let text = b"{\"shape\": (2,), \"fortran_order\": False, \"descr\": \">i8\"}\n";
            let mut b = b"\x93NUMPY".to_vec();
            b.extend_from_slice(&[v, 0]);
            b.extend_from_slice(&(text.len() as u32).to_le_bytes());
            b.extend_from_slice(text);
            let h = NpyHeader::parse(&b).unwrap();
            assert_eq!(
                (h.dtype, h.byte_order, h.shape.as_slice()),
                (DType::Int64, ByteOrder::Big, &[2][..])
            );
            assert_eq!(h.descr(), ">i8");
        }
    }

    fn parse_text(text: &str) -> Result<NpyHeader> {
        NpyHeader::parse(&wrap_header(text))
    }

    #[test]
    fn accepts_what_literal_eval_accepts() {
        let ok = [
            "{'descr':'<f8','fortran_order':True,'shape':(2L, 3)}",
            "  { 'shape' : ( 4 , ) , 'descr' : \"|u1\" , 'fortran_order' : False , }  \n",
            "{'descr': '<c16', 'fortran_order': False, 'shape': ((5),)}",
        ];
        for text in ok {
            parse_text(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }

    /// The variant's name, so a table can say which error each input gives.
    fn kind(e: &Error) -> String {
        format!("{e:?}")
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn refuses_bad_headers_clearly() {
        let head = "{'descr': '<f4', 'fortran_order': False, 'shape':";
        let cases = [
            ("[1, 2]".to_string(), "NpyMalformed"),
            ("{'descr': '<f4', 'fortran_order': False}".into(), "NpyMalformed"),
            (
                "{'descr': '<f4', 'fortran_order': 0, 'shape': ()}".into(),
                "NpyMalformed",
            ),
            (format!("{head} (3)}}"), "NpyMalformed"),
            (format!("{head} [3]}}"), "NpyMalformed"),
            (format!("{head} (-1,)}}"), "NegativeDim"),
            (format!("{head} (1.5,)}}"), "NpyMalformed"),
            (format!("{head} (4294967296, 4294967296)}}"), "Overflow"),
            (format!("{head} (), 'shape': ()}}"), "NpyMalformed"),
            (format!("{head} ()}} x"), "NpyMalformed"),
            (
                "{'descr': '|O', 'fortran_order': False, 'shape': ()}".into(),
                "UnsupportedDType",
            ),
            (
                "{'descr': '<U5', 'fortran_order': False, 'shape': ()}".into(),
                "UnsupportedDType",
            ),
            (
                "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': ()}".into(),
                "UnsupportedDType",
            ),
            (
                "{'descr': '<f16', 'fortran_order': False, 'shape': ()}".into(),
                "UnsupportedDType",
            ),
            (format!("{}1{}", "(".repeat(40), ")".repeat(40)), "NpyMalformed"),
        ];
        for (text, want) in cases {
            let e = parse_text(&text).unwrap_err();
            assert_eq!(kind(&e), want, "{text}: {e}");
        }
        let e = parse_text("{'descr': '|O', 'fortran_order': False, 'shape': ()}").unwrap_err();
        assert!(e.to_string().contains("object (.npy descr \"|O\")"), "{e}");
        assert!(matches!(
            NpyHeader::parse(b"PK\x03\x04rest"),
            Err(Error::NpyMalformed { .. })
        ));
        assert!(matches!(NpyHeader::parse(b"\x93NUM"), Err(Error::NpyMalformed { .. })));
        assert!(matches!(
            NpyHeader::parse(b"\x93NUMPY\x04\x00\x00\x00"),
            Err(Error::NpyVersion { major: 4, .. })
        ));
        assert!(matches!(
            NpyHeader::parse(b"\x93NUMPY\x02\x00\xff\xff\xff\xff"),
            Err(Error::NpyHeaderTooLarge { .. })
        ));
        let mut short = header(DType::Int8, &[3], false);
        short.truncate(40);
        assert!(matches!(NpyHeader::parse(&short), Err(Error::NpyMalformed { .. })));
    }

    const TOKENS: &[&str] = &[
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        " ",
        "'descr'",
        "'shape'",
        "'fortran_order'",
        "True",
        "False",
        "None",
        "'<f4'",
        "'>c16'",
        "'|O'",
        "3",
        "-1",
        "0",
        "99999999999999999999999999",
        "L",
        "\"",
        "'",
        "\\",
        "1.5",
        "x",
        "\n",
    ];

    proptest! {
        // At least 2000 cases; more when PROPTEST_CASES asks (`make fuzz`).
        #![proptest_config(ProptestConfig::with_cases(ProptestConfig::default().cases.max(2000)))]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = NpyHeader::parse(&bytes);
            let mut framed = b"\x93NUMPY\x01\x00".to_vec();
            framed.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
            framed.extend_from_slice(&bytes);
            let _ = NpyHeader::parse(&framed);
        }

        #[test]
        fn random_token_soup_never_panics(tokens in proptest::collection::vec(0..TOKENS.len(), 0..60)) {
            let text: String = tokens.iter().map(|&i| TOKENS[i]).collect();
            let _ = parse_text(&text);
        }

        #[test]
        fn mutated_headers_never_panic(
            dtype in 0..DType::ALL.len(),
            shape in proptest::collection::vec(0usize..100_000, 0..5),
            fortran in any::<bool>(),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
        ) {
            let mut b = header(DType::ALL[dtype], &shape, fortran);
            for (at, byte, op) in edits {
                let i = at % (b.len() + 1);
                match op {
                    0 if i < b.len() => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ => b.truncate(i),
                }
            }
            if let Ok(h) = NpyHeader::parse(&b) {
                prop_assert!(h.data_len_bytes().is_ok());
            }
        }

        #[test]
        fn valid_headers_round_trip(
            dtype in 0..DType::ALL.len(),
            shape in proptest::collection::vec(0usize..1 << 12, 0..5),
            fortran in any::<bool>(),
        ) {
            let h = NpyHeader::parse(&header(DType::ALL[dtype], &shape, fortran)).unwrap();
            prop_assert_eq!(h.dtype, DType::ALL[dtype]);
            prop_assert_eq!(h.shape, shape);
            prop_assert_eq!(h.fortran_order, fortran);
        }
    }
}
