//! `format_tensor` against PyTorch's `repr`, byte for byte.
//!
//! The fixture `tests/fixtures/format_oracle.txt` is written by
//! `scripts/gen_format_oracle.py` (its docstring describes the format). For
//! summarised tensors the fixture holds only the printed elements, and `get`
//! panics on any other index, so this also checks that printing reads nothing
//! it does not print.

use std::collections::HashMap;

use tensorbridge::device::Device;
use tensorbridge::dtype::DType;
use tensorbridge::format::{format_tensor, PrintOptions};
use tensorbridge::scalar::Scalar;

/// One fixture case.
struct Case {
    header: String,
    dtype: DType,
    shape: Vec<usize>,
    device: Device,
    opts: PrintOptions,
    /// Flat C-order index -> value, for the elements the fixture holds.
    values: HashMap<usize, Scalar>,
    expected: String,
}

fn parse_float(s: &str) -> f64 {
    s.parse::<f64>()
        .unwrap_or_else(|_| panic!("bad float {s:?} in fixture"))
}

fn parse_value(dtype: DType, s: &str) -> Scalar {
    if dtype == DType::Bool {
        Scalar::Bool(s == "1")
    } else if dtype.is_complex() {
        let (re, im) = s.split_once(',').expect("complex value is re,im");
        Scalar::Complex(parse_float(re), parse_float(im))
    } else if dtype.is_floating_point() {
        Scalar::Float(parse_float(s))
    } else if dtype.is_signed() {
        Scalar::Int(s.parse().expect("int value"))
    } else {
        Scalar::UInt(s.parse().expect("uint value"))
    }
}

fn field<'a>(line: Option<&'a str>, key: &str) -> &'a str {
    let line = line.unwrap_or_else(|| panic!("fixture ends before {key:?}"));
    let rest = line
        .strip_prefix(key)
        .unwrap_or_else(|| panic!("expected {key:?}, found {line:?}"));
    rest.trim_start()
}

fn parse_fixture(text: &str) -> Vec<Case> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let mut cases = Vec::new();
    while let Some(header) = lines.next() {
        assert!(
            header.starts_with("case "),
            "expected a case, found {header:?}"
        );
        let dtype: DType = field(lines.next(), "dtype").parse().expect("dtype name");
        let shape: Vec<usize> = field(lines.next(), "shape")
            .split_whitespace()
            .map(|d| d.parse().expect("dimension"))
            .collect();
        let device: Device = field(lines.next(), "device").parse().expect("device");
        let o: Vec<&str> = field(lines.next(), "opts").split_whitespace().collect();
        let opts = PrintOptions {
            precision: o[0].parse().expect("precision"),
            threshold: o[1].parse().expect("threshold"),
            edgeitems: o[2].parse().expect("edgeitems"),
            linewidth: o[3].parse().expect("linewidth"),
            sci_mode: match o[4] {
                "none" => None,
                "true" => Some(true),
                "false" => Some(false),
                other => panic!("bad sci_mode {other:?}"),
            },
        };
        let data = lines.next().expect("values line");
        let values: HashMap<usize, Scalar> = if let Some(rest) = data.strip_prefix("values") {
            rest.split_whitespace()
                .enumerate()
                .map(|(i, v)| (i, parse_value(dtype, v)))
                .collect()
        } else {
            field(Some(data), "sparse")
                .split_whitespace()
                .map(|pair| {
                    let (i, v) = pair.split_once(':').expect("flat:value");
                    (i.parse().expect("flat index"), parse_value(dtype, v))
                })
                .collect()
        };
        let n: usize = field(lines.next(), "repr")
            .parse()
            .expect("repr line count");
        let expected: Vec<&str> = (0..n).map(|_| lines.next().expect("repr line")).collect();
        assert_eq!(lines.next(), Some("end"), "{header}: missing end");
        cases.push(Case {
            header: header.to_string(),
            dtype,
            shape,
            device,
            opts,
            values,
            expected: expected.join("\n"),
        });
    }
    cases
}

fn run(case: &Case) -> String {
    let strides: Vec<usize> = (0..case.shape.len())
        .map(|d| case.shape[d + 1..].iter().product())
        .collect();
    let get = |index: &[usize]| -> Scalar {
        assert_eq!(index.len(), case.shape.len(), "{}: index rank", case.header);
        let flat: usize = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
        *case.values.get(&flat).unwrap_or_else(|| {
            panic!(
                "{}: read element {index:?}, which PyTorch does not print",
                case.header
            )
        })
    };
    format_tensor(&case.shape, case.dtype, case.device, &get, &case.opts)
}

#[test]
fn format_matches_pytorch_repr() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/format_oracle.txt"
    );
    let text = std::fs::read_to_string(path).expect("read format_oracle.txt");
    let cases = parse_fixture(&text);
    assert!(
        cases.len() >= 150,
        "only {} cases in the fixture",
        cases.len()
    );

    let mut failures = Vec::new();
    for case in &cases {
        let got = run(case);
        if got != case.expected {
            failures.push(format!(
                "{} [{} {:?} {:?}]\n--- expected (torch)\n{}\n--- got\n{}\n",
                case.header, case.dtype, case.shape, case.opts, case.expected, got
            ));
        }
    }
    let shown: Vec<&String> = failures.iter().take(10).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from PyTorch; first ones:\n{}",
        failures.len(),
        cases.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
