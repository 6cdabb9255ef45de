//! Tensor printing, byte-for-byte as PyTorch's `repr(tensor)`.
//!
//! This module owns the text form of a tensor: [`format_tensor`] and its
//! [`PrintOptions`]. It is a port of `torch/_tensor_str.py` (the strided,
//! dense path), so that a user moving between PyTorch and tensorbridge reads
//! the same digits, widths, line breaks and suffixes in both. The pieces map
//! one to one onto PyTorch's:
//!
//! * `FloatFormatter` is `_Formatter` for floating data: it picks integer
//!   mode (every value integral), scientific mode (largest/smallest nonzero
//!   finite magnitude ratio above 1000, largest above 1e8 or smallest below
//!   1e-4, unless [`PrintOptions::sci_mode`] forces it) and the column width.
//!   Bool and integer data are padded to their widest `str(value)`.
//! * Summarisation (`get_summarized_data`): above `threshold` elements each
//!   axis longer than `2 * edgeitems` shows only its `edgeitems` first and
//!   last entries, and the formatters see only the shown values. Because the
//!   rule is the same for every sub-block of one axis, the shown elements are
//!   the Cartesian product of per-axis index lists (`Axis`), so `get` is
//!   called once per printed element and never for the hidden ones.
//! * `layout` is `_tensor_str_with_formatter` and `_vector_str`: rows wrap
//!   at `linewidth` with a fixed number of elements per line, and higher
//!   dimensions are separated by `ndim - 1` newlines.
//! * `add_suffixes` is `_add_suffixes`: `device=`, `size=` and `dtype=`
//!   go on the last line or, when it would pass `linewidth`, on a new one.
//!
//! Floats are printed with Python's `format` semantics (`{:.4f}`, `{:.4e}`,
//! `{:.0f}`): correctly rounded from the exact binary value, ties to even,
//! `nan`/`inf`/`-inf`, and an exponent with a sign and at least two digits.
//! Rust's `{:.N}` and `{:.Ne}` round the same way (checked against CPython
//! over tens of thousands of values, ties included); only the exponent
//! spelling is rewritten here.

use crate::device::Device;
use crate::dtype::DType;
use crate::scalar::Scalar;

/// Print options, PyTorch's defaults (`torch.set_printoptions(profile="default")`).
#[derive(Clone, Debug)]
pub struct PrintOptions {
    /// Digits after the decimal point of floats (default 4).
    pub precision: usize,
    /// Element count above which the tensor is summarised with `...` (default 1000).
    pub threshold: usize,
    /// Entries shown at each end of a summarised axis (default 3).
    pub edgeitems: usize,
    /// Characters per line before rows wrap and suffixes move down (default 80).
    pub linewidth: usize,
    /// `Some(true)` forces scientific notation for floats, `Some(false)`
    /// forbids it, `None` (default) lets the values decide.
    pub sci_mode: Option<bool>,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            precision: 4,
            threshold: 1000,
            edgeitems: 3,
            linewidth: 80,
            sci_mode: None,
        }
    }
}

/// What every tensor's text starts with; its length is the base indent.
const PREFIX: &str = "tensor(";

/// Formats like `repr(torch_tensor)`: `tensor([[1., 2.],\n        [3., 4.]])`, with
/// `dtype=tensorbridge.X` when X is not its kind's default (float32, int64, bool, complex64 are defaults)
/// and `device='cuda:0'` when not on the CPU.
/// `get(index)` returns the element at a full multi-index (len == shape.len()).
///
/// `get` is called exactly once for each element that appears in the output
/// (in C order) and never for elements hidden by summarisation, so printing a
/// summarised tensor costs O(printed elements) whatever its size. `get`
/// should return the [`Scalar`] variant of `dtype`'s family; other variants
/// are converted as sensibly as possible.
pub fn format_tensor(
    shape: &[usize],
    dtype: DType,
    device: Device,
    get: &dyn Fn(&[usize]) -> Scalar,
    opts: &PrintOptions,
) -> String {
    let indent = PREFIX.len();
    let numel = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    let mut suffixes = Vec::new();
    if !device.is_cpu() {
        suffixes.push(Suffix::plain(format!("device='{device}'")));
    }
    let body = if numel == 0 {
        // Explicit size unless (0,), and explicit dtype unless the default
        // float dtype: an empty tensor has no values to hint at its kind.
        if shape.len() != 1 {
            suffixes.push(Suffix::size(shape));
        }
        if dtype != DType::Float32 {
            suffixes.push(Suffix::dtype(dtype));
        }
        String::from("[]")
    } else {
        if opts.edgeitems == 0 {
            suffixes.push(Suffix::size(shape));
        }
        let default_dtype = matches!(
            dtype,
            DType::Float32 | DType::Complex64 | DType::Int64 | DType::Bool
        );
        if !default_dtype {
            suffixes.push(Suffix::dtype(dtype));
        }
        tensor_str(shape, dtype, get, opts, indent, numel > opts.threshold)
    };
    add_suffixes(format!("{PREFIX}{body}"), &suffixes, indent, opts.linewidth)
}

/// One `key=value` after the data, and the length PyTorch's line-breaking
/// counts for it.
struct Suffix {
    text: String,
    /// `text.len()`, except for the dtype: PyTorch decides where to break
    /// with `dtype=torch.X`, and the output must break where PyTorch's does
    /// (the text is PyTorch's with `torch.` spelled `tensorbridge.`).
    measured_len: usize,
}

impl Suffix {
    fn plain(text: String) -> Suffix {
        Suffix {
            measured_len: text.len(),
            text,
        }
    }

    /// `size=(2, 3)`, with Python's tuple spelling (`()`, `(5,)`).
    fn size(shape: &[usize]) -> Suffix {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        Suffix::plain(match dims.len() {
            1 => format!("size=({},)", dims[0]),
            _ => format!("size=({})", dims.join(", ")),
        })
    }

    /// `dtype=tensorbridge.float64`, measured as `dtype=torch.float64`.
    fn dtype(dtype: DType) -> Suffix {
        Suffix {
            text: format!("dtype=tensorbridge.{}", dtype.name()),
            measured_len: format!("dtype=torch.{}", dtype.name()).len(),
        }
    }
}

/// `_add_suffixes`: appends `, suffix` to the last line, or `,\n` plus the
/// indent and the suffix when the line would exceed `linewidth`. The
/// last-line length keeps PyTorch's arithmetic (`len - rfind("\n") + 1`,
/// which counts two more than the characters when there is no newline).
fn add_suffixes(mut text: String, suffixes: &[Suffix], indent: usize, linewidth: usize) -> String {
    let mut last_line_len = match text.rfind('\n') {
        Some(i) => text.len() - i + 1,
        None => text.len() + 2,
    };
    for suffix in suffixes {
        let len = suffix.measured_len;
        if last_line_len + len + 2 > linewidth {
            text.push_str(",\n");
            text.push_str(&" ".repeat(indent));
            last_line_len = indent + len;
        } else {
            text.push_str(", ");
            last_line_len += len + 2;
        }
        text.push_str(&suffix.text);
    }
    text.push(')');
    text
}

/// The shown part of one axis: the first `head` indices, then (after a `...`
/// when `tail > 0`) the last `tail` indices.
#[derive(Copy, Clone, Debug)]
struct Axis {
    size: usize,
    head: usize,
    tail: usize,
}

impl Axis {
    /// `get_summarized_data`'s rule for an axis of `size` entries.
    fn new(size: usize, summarize: bool, edgeitems: usize) -> Axis {
        if summarize && size > 2 * edgeitems {
            Axis {
                size,
                head: edgeitems,
                tail: edgeitems,
            }
        } else {
            Axis {
                size,
                head: size,
                tail: 0,
            }
        }
    }

    /// Number of shown entries.
    fn count(self) -> usize {
        self.head + self.tail
    }

    /// The tensor index of the `k`-th shown entry.
    fn index(self, k: usize) -> usize {
        if k < self.head {
            k
        } else {
            self.size - self.tail + (k - self.head)
        }
    }
}

/// `_tensor_str` for a non-empty tensor: gathers the shown elements, builds
/// the formatters from exactly those, formats each cell and lays them out.
fn tensor_str(
    shape: &[usize],
    dtype: DType,
    get: &dyn Fn(&[usize]) -> Scalar,
    opts: &PrintOptions,
    indent: usize,
    summarize: bool,
) -> String {
    if summarize && opts.edgeitems == 0 && !shape.is_empty() {
        // Every axis collapses to a lone `...`; nothing is shown.
        return String::from("[...]");
    }
    let axes: Vec<Axis> = shape
        .iter()
        .map(|&n| Axis::new(n, summarize, opts.edgeitems))
        .collect();
    let values = gather(&axes, get);

    let (cells, element_length) = if dtype.is_complex() {
        let re: Vec<f64> = values.iter().map(|&s| complex_parts(s).0).collect();
        let im: Vec<f64> = values.iter().map(|&s| complex_parts(s).1).collect();
        let real_fmt = FloatFormatter::new(&re, opts);
        let imag_fmt = FloatFormatter::new(&im, opts);
        let cells: Vec<String> = re
            .iter()
            .zip(&im)
            .map(|(&r, &i)| complex_cell(&real_fmt.format(r), &imag_fmt.format(i)))
            .collect();
        // ", " between elements, and one more for the `j`.
        (cells, real_fmt.width + 2 + imag_fmt.width + 1)
    } else if dtype.is_floating_point() {
        let reals: Vec<f64> = values.iter().map(|&s| complex_parts(s).0).collect();
        let fmt = FloatFormatter::new(&reals, opts);
        let cells = reals.iter().map(|&v| fmt.format(v)).collect();
        (cells, fmt.width + 2)
    } else {
        let strs: Vec<String> = values.iter().map(|&s| plain_str(s)).collect();
        let width = strs.iter().map(String::len).fold(1, usize::max);
        let cells = strs.into_iter().map(|s| pad_left(s, width)).collect();
        (cells, width + 2)
    };

    let mut out = String::new();
    let mut cells = cells.into_iter();
    layout(
        &mut out,
        &mut cells,
        &axes,
        indent,
        element_length,
        opts.linewidth,
    );
    out
}

/// Calls `get` once for every shown element, in C order.
fn gather(axes: &[Axis], get: &dyn Fn(&[usize]) -> Scalar) -> Vec<Scalar> {
    let total: usize = axes.iter().map(|a| a.count()).product();
    let mut values = Vec::with_capacity(total);
    let mut pos = vec![0usize; axes.len()];
    let mut index = vec![0usize; axes.len()];
    for _ in 0..total {
        for (d, axis) in axes.iter().enumerate() {
            index[d] = axis.index(pos[d]);
        }
        values.push(get(&index));
        for d in (0..axes.len()).rev() {
            pos[d] += 1;
            if pos[d] < axes[d].count() {
                break;
            }
            pos[d] = 0;
        }
    }
    values
}

/// `_tensor_str_with_formatter` and `_vector_str`: writes the nested
/// brackets of the shown cells (consumed in C order) into `out`.
fn layout(
    out: &mut String,
    cells: &mut impl Iterator<Item = String>,
    axes: &[Axis],
    indent: usize,
    element_length: usize,
    linewidth: usize,
) {
    let Some((&axis, inner)) = axes.split_first() else {
        // 0-d: the value alone, no brackets.
        out.push_str(&cells.next().unwrap_or_default());
        return;
    };
    out.push('[');
    if inner.is_empty() {
        let per_line = (linewidth as i64 - indent as i64)
            .div_euclid(element_length as i64)
            .max(1) as usize;
        let mut data: Vec<String> = cells.take(axis.head).collect();
        if axis.tail > 0 {
            data.push(String::from(" ..."));
            data.extend(cells.take(axis.tail));
        }
        let line_sep = format!(",\n{}", " ".repeat(indent + 1));
        for (i, line) in data.chunks(per_line).enumerate() {
            if i > 0 {
                out.push_str(&line_sep);
            }
            out.push_str(&line.join(", "));
        }
    } else {
        let sep = format!(",{}{}", "\n".repeat(axes.len() - 1), " ".repeat(indent + 1));
        for k in 0..axis.count() {
            if k > 0 {
                out.push_str(&sep);
            }
            if axis.tail > 0 && k == axis.head {
                out.push_str("...");
                out.push_str(&sep);
            }
            layout(out, cells, inner, indent + 1, element_length, linewidth);
        }
    }
    out.push(']');
}

/// `_Formatter` for floating data (and each half of complex data).
#[derive(Clone, Debug)]
struct FloatFormatter {
    /// Every nonzero finite value is integral: print `3.` rather than `3.0000`.
    int_mode: bool,
    /// Print `{:.Ne}`.
    sci_mode: bool,
    /// Column width every cell is right-aligned to.
    width: usize,
    /// Digits after the point.
    precision: usize,
}

impl FloatFormatter {
    /// Decides the mode and width from the values that will be shown.
    fn new(values: &[f64], opts: &PrintOptions) -> FloatFormatter {
        let mut fmt = FloatFormatter {
            int_mode: true,
            sci_mode: false,
            width: 1,
            precision: opts.precision,
        };
        let nonzero_finite: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v != 0.0)
            .collect();
        if nonzero_finite.is_empty() {
            // No valid number: integer mode, width 1, sci_mode ignored.
            return fmt;
        }
        let abs = nonzero_finite.iter().map(|v| v.abs());
        let min = abs.clone().fold(f64::INFINITY, f64::min);
        let max = abs.fold(0.0, f64::max);
        fmt.int_mode = nonzero_finite.iter().all(|v| *v == v.ceil());
        fmt.sci_mode = opts
            .sci_mode
            .unwrap_or(max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4);
        let p = fmt.precision;
        for &v in &nonzero_finite {
            let len = if fmt.sci_mode {
                py_format_e(v, p).len()
            } else if fmt.int_mode {
                // Room for the `.` appended to integral values.
                py_format_f(v, 0).len() + 1
            } else {
                py_format_f(v, p).len()
            };
            fmt.width = fmt.width.max(len);
        }
        fmt
    }

    /// One value, right-aligned to the column width.
    fn format(&self, v: f64) -> String {
        let s = if self.sci_mode {
            py_format_e(v, self.precision)
        } else if self.int_mode {
            let mut s = py_format_f(v, 0);
            if v.is_finite() {
                s.push('.');
            }
            s
        } else {
            py_format_f(v, self.precision)
        };
        pad_left(s, self.width)
    }
}

/// One complex cell from its formatted halves: `1.+2.j`, `1.-0.j`,
/// `1.+nanj` (PyTorch strips the imaginary padding and supplies the sign).
fn complex_cell(real: &str, imag: &str) -> String {
    let imag = format!("{imag}j");
    let imag = imag.trim_start();
    if imag.starts_with(['+', '-']) {
        format!("{real}{imag}")
    } else {
        format!("{real}+{imag}")
    }
}

/// Right-aligns `s` in `width` columns (no truncation).
fn pad_left(s: String, width: usize) -> String {
    if s.len() >= width {
        s
    } else {
        format!("{}{s}", " ".repeat(width - s.len()))
    }
}

/// Python's `f"{value}"` for bool and integer values.
fn plain_str(s: Scalar) -> String {
    match s {
        Scalar::Bool(true) => String::from("True"),
        Scalar::Bool(false) => String::from("False"),
        Scalar::Int(v) => v.to_string(),
        Scalar::UInt(v) => v.to_string(),
        Scalar::Float(v) => py_repr(v),
        Scalar::Complex(re, im) => complex_cell(&py_repr(re), &py_repr(im)),
    }
}

/// `(real, imag)` of a scalar, for floating and complex dtypes.
fn complex_parts(s: Scalar) -> (f64, f64) {
    match s {
        Scalar::Bool(b) => (f64::from(u8::from(b)), 0.0),
        Scalar::Int(v) => (v as f64, 0.0),
        Scalar::UInt(v) => (v as f64, 0.0),
        Scalar::Float(v) => (v, 0.0),
        Scalar::Complex(re, im) => (re, im),
    }
}

/// Python's spelling of the non-finite values, or `None` for finite ones.
fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("nan") // Python drops the sign of a NaN.
    } else if v == f64::INFINITY {
        Some("inf")
    } else if v == f64::NEG_INFINITY {
        Some("-inf")
    } else {
        None
    }
}

/// Python's `"{:.{p}f}".format(v)`.
fn py_format_f(v: f64, p: usize) -> String {
    match non_finite(v) {
        Some(s) => s.to_string(),
        None => format!("{v:.p$}"),
    }
}

/// Python's `"{:.{p}e}".format(v)`: `1.0000e+08`, `-2.5000e-05`.
fn py_format_e(v: f64, p: usize) -> String {
    if let Some(s) = non_finite(v) {
        return s.to_string();
    }
    let rust = format!("{v:.p$e}");
    let (mantissa, exp) = rust.split_once('e').expect("LowerExp always writes an `e`");
    let exp: i32 = exp.parse().expect("LowerExp writes a decimal exponent");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

/// Python's `repr(float)`, used only for floats handed in for a non-float dtype.
fn py_repr(v: f64) -> String {
    match non_finite(v) {
        Some(s) => s.to_string(),
        None if v != 0.0 && (v.abs() >= 1e16 || v.abs() < 1e-4) => {
            let s = format!("{v:e}");
            let (m, e) = s.split_once('e').expect("LowerExp always writes an `e`");
            let e: i32 = e.parse().expect("LowerExp writes a decimal exponent");
            let sign = if e < 0 { '-' } else { '+' };
            format!("{m}e{sign}{:02}", e.unsigned_abs())
        }
        None => format!("{v:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(shape: &[usize], dtype: DType, values: &[Scalar]) -> String {
        let strides: Vec<usize> = (0..shape.len())
            .map(|d| shape[d + 1..].iter().product())
            .collect();
        let get =
            |idx: &[usize]| values[idx.iter().zip(&strides).map(|(i, s)| i * s).sum::<usize>()];
        format_tensor(shape, dtype, Device::Cpu, &get, &PrintOptions::default())
    }

    fn floats(v: &[f64]) -> Vec<Scalar> {
        v.iter().map(|&x| Scalar::Float(x)).collect()
    }

    #[test]
    fn python_float_spelling() {
        assert_eq!(py_format_e(1e8, 4), "1.0000e+08");
        assert_eq!(py_format_e(-2.5e-5, 4), "-2.5000e-05");
        assert_eq!(py_format_e(1e100, 0), "1e+100");
        assert_eq!(py_format_f(2.5, 0), "2");
        assert_eq!(py_format_f(0.03125, 4), "0.0312");
        assert_eq!(py_format_f(-0.0, 4), "-0.0000");
        assert_eq!(py_format_f(f64::NAN, 4), "nan");
        assert_eq!(py_format_e(f64::NEG_INFINITY, 4), "-inf");
    }

    #[test]
    fn basic_reprs() {
        assert_eq!(
            fmt(&[2, 2], DType::Float32, &floats(&[1.0, 2.0, 3.0, 4.0])),
            "tensor([[1., 2.],\n        [3., 4.]])"
        );
        assert_eq!(fmt(&[], DType::Float32, &floats(&[3.0])), "tensor(3.)");
        assert_eq!(fmt(&[0], DType::Float32, &[]), "tensor([])");
        assert_eq!(
            fmt(&[0, 3], DType::Int64, &[]),
            "tensor([], size=(0, 3), dtype=tensorbridge.int64)"
        );
        assert_eq!(
            fmt(&[1], DType::Complex64, &[Scalar::Complex(1.0, 2.0)]),
            "tensor([1.+2.j])"
        );
        assert_eq!(
            fmt(
                &[2],
                DType::Bool,
                &[Scalar::Bool(true), Scalar::Bool(false)]
            ),
            "tensor([ True, False])"
        );
        assert_eq!(
            fmt(
                &[3],
                DType::Float64,
                &floats(&[f64::NAN, 1.5, f64::NEG_INFINITY])
            ),
            "tensor([   nan, 1.5000,   -inf], dtype=tensorbridge.float64)"
        );
    }

    #[test]
    fn cuda_suffix_and_summary_reads_only_shown() {
        use std::cell::Cell;
        let calls = Cell::new(0usize);
        let get = |idx: &[usize]| {
            calls.set(calls.get() + 1);
            Scalar::Int((idx[0] * 1_000_000 + idx[1]) as i64)
        };
        let s = format_tensor(
            &[1_000_000, 1_000],
            DType::Int64,
            Device::Cuda(0),
            &get,
            &PrintOptions::default(),
        );
        assert_eq!(calls.get(), 36);
        assert!(s.ends_with("device='cuda:0')"), "{s}");
    }
}
