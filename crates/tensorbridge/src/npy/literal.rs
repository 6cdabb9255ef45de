//! A parser of the Python literals a `.npy` header is made of.
//!
//! NumPy reads headers with `ast.literal_eval`; this is the subset that can
//! appear there (strings, decimal integers, `True`/`False`/`None`, tuples,
//! lists, dicts), written as a small recursive descent over bytes. The input
//! is untrusted: nesting and integer length are limited, every index is
//! checked, and anything unexpected is an [`Error::NpyMalformed`] that
//! names the byte where parsing stopped, never a panic.

#![deny(unsafe_code)]

use crate::error::{Error, Result};

/// Deepest nesting of tuples, lists and dicts the parser follows.
const MAX_DEPTH: usize = 16;

/// Longest integer literal accepted, in digits.
const MAX_DIGITS: usize = 30;

/// A Python literal, as far as headers need them.
#[derive(Debug)]
pub(super) enum Value {
    Str(String),
    Int(i128),
    Bool(bool),
    None,
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
}

/// A recursive-descent parser over header text; `base` is the text's
/// offset in the file, for error positions.
pub(super) struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Parser<'a> {
    /// A parser of `s`, which starts at byte `base` of the file.
    pub(super) fn new(s: &'a [u8], base: usize) -> Parser<'a> {
        Parser { s, pos: 0, base }
    }

    fn err(&self, reason: &'static str) -> Error {
        Error::NpyMalformed {
            reason,
            offset: self.base + self.pos,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.s.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The whole header: one dict, then only whitespace.
    pub(super) fn header_dict(mut self) -> Result<Vec<(Value, Value)>> {
        let value = self.value(0)?;
        if self.peek().is_some() {
            return Err(self.err("unexpected text after the header dict"));
        }
        match value {
            Value::Dict(d) => Ok(d),
            _ => Err(self.err("the header is not a dict")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(self.err("the header nests too deeply"));
        }
        match self.peek() {
            None => Err(self.err("the header ends where a value was expected")),
            Some(q @ (b'\'' | b'"')) => self.string(q),
            Some(b'(') => {
                self.pos += 1;
                let (items, trailing_comma) = self.items(b')', depth)?;
                // `(x)` is x itself; `(x,)` and `()` are tuples.
                if items.len() == 1 && !trailing_comma {
                    Ok(items.into_iter().next().expect("one item"))
                } else {
                    Ok(Value::Tuple(items))
                }
            }
            Some(b'[') => {
                self.pos += 1;
                Ok(Value::List(self.items(b']', depth)?.0))
            }
            Some(b'{') => {
                self.pos += 1;
                self.dict(depth)
            }
            Some(b'-' | b'+' | b'0'..=b'9') => self.int(),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    self.pos += 1;
                }
                match &self.s[start..self.pos] {
                    b"True" => Ok(Value::Bool(true)),
                    b"False" => Ok(Value::Bool(false)),
                    b"None" => Ok(Value::None),
                    _ => {
                        self.pos = start;
                        Err(self.err("unknown name; only True, False and None are allowed"))
                    }
                }
            }
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    /// Comma-separated values up to `close`; also says whether a comma
    /// followed the last one.
    fn items(&mut self, close: u8, depth: usize) -> Result<(Vec<Value>, bool)> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            if self.eat(close) {
                return Ok((items, trailing_comma));
            }
            if !items.is_empty() && !trailing_comma {
                return Err(self.err("expected a comma or a closing bracket"));
            }
            items.push(self.value(depth + 1)?);
            trailing_comma = self.eat(b',');
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value> {
        let mut entries = Vec::new();
        let mut comma = true;
        loop {
            if self.eat(b'}') {
                return Ok(Value::Dict(entries));
            }
            if !comma {
                return Err(self.err("expected a comma or '}' in the dict"));
            }
            let key = self.value(depth + 1)?;
            if !self.eat(b':') {
                return Err(self.err("expected ':' after a dict key"));
            }
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            comma = self.eat(b',');
        }
    }

    fn string(&mut self, quote: u8) -> Result<Value> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.pos).copied() {
                None | Some(b'\n') => return Err(self.err("unterminated string")),
                Some(b'\\') => {
                    let c = self
                        .s
                        .get(self.pos + 1)
                        .copied()
                        .ok_or_else(|| self.err("unterminated string"))?;
                    match c {
                        b'\\' | b'\'' | b'"' => out.push(c),
                        _ => out.extend_from_slice(&[b'\\', c]),
                    }
                    self.pos += 2;
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(Value::Str(out.iter().map(|&b| char::from(b)).collect()));
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn int(&mut self) -> Result<Value> {
        let negative = match self.s[self.pos] {
            b'-' => {
                self.pos += 1;
                true
            }
            b'+' => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        self.skip_ws();
        let start = self.pos;
        while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let digits = &self.s[start..self.pos];
        if digits.is_empty() {
            return Err(self.err("expected digits"));
        }
        if digits.len() > MAX_DIGITS {
            return Err(self.err("integer too large"));
        }
        // Python 2 era files may spell long integers with an L suffix.
        if matches!(self.s.get(self.pos), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        if self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_')
        {
            return Err(self.err("only plain decimal integers are allowed"));
        }
        let magnitude = digits.iter().fold(0i128, |acc, &d| acc * 10 + i128::from(d - b'0'));
        Ok(Value::Int(if negative { -magnitude } else { magnitude }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value> {
        let mut p = Parser::new(text.as_bytes(), 0);
        p.value(0)
    }

    #[test]
    fn parentheses_make_tuples_only_with_commas() {
        assert!(matches!(parse("(3)"), Ok(Value::Int(3))));
        assert!(matches!(parse("(3,)"), Ok(Value::Tuple(v)) if v.len() == 1));
        assert!(matches!(parse("( )"), Ok(Value::Tuple(v)) if v.is_empty()));
        assert!(matches!(parse("(1, 2 ,)"), Ok(Value::Tuple(v)) if v.len() == 2));
        assert!(parse("(1 2)").is_err());
        assert!(parse("(,)").is_err());
    }

    #[test]
    fn strings_ints_and_names() {
        assert!(matches!(parse(r"'a\'b'"), Ok(Value::Str(s)) if s == "a'b"));
        assert!(matches!(parse("\"<f4\""), Ok(Value::Str(s)) if s == "<f4"));
        assert!(matches!(parse("- 12L"), Ok(Value::Int(-12))));
        assert!(matches!(parse("None"), Ok(Value::None)));
        for bad in [
            "'open",
            "0x10",
            "1_000",
            "1e3",
            "true",
            "1234567890123456789012345678901",
            "@",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 2), "]".repeat(MAX_DEPTH + 2));
        assert!(matches!(parse(&deep), Err(Error::NpyMalformed { .. })));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
