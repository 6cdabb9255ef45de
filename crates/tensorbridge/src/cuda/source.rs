//! The CUDA C++ source of the elementwise kernels, generated per dtype
//! combination and compiled at run time by NVRTC (see `module`).
//!
//! One kernel shape serves casts, copies, unary and binary functions: a
//! grid-stride loop over the output's elements in C order, each thread
//! turning its linear index into byte offsets through the (merged) shape and
//! every operand's byte strides (a divide per dimension but the outermost).
//! Operands that merge to one dimension (contiguous ones, or one stride
//! each) take a loop with no index arithmetic beyond a multiply and
//! [`UNROLL`] elements per thread in flight. Values are loaded in their
//! storage type, converted to the *compute* type the operation's plan names (the same
//! plan the CPU kernels follow: [`crate::ops::binary::binary_plan`]),
//! combined, and converted to the output's storage type.
//!
//! The conversions follow the CPU kernels (`crate::cpu::cast`, NumPy on
//! x86-64): float16 and bfloat16 compute in float and round to nearest even
//! when stored, float64 to float16 rounds once; bool stores 0 or 1; complex
//! to real keeps the real part; float to integer truncates, and NaN or
//! out-of-range values give what x86's conversions give. One difference
//! remains: NaN payloads through float16 are the GPU's, not NumPy's
//! software conversion's. Signed integer arithmetic wraps (it goes through
//! the unsigned type, where C++ defines wrapping).

use crate::dtype::DType;
use crate::tensor::Elementwise as Expr;

/// Elements each thread of a one-dimensional (merged contiguous) launch
/// handles at once: enough loads in flight to reach the memory bandwidth.
pub(crate) const UNROLL: u64 = 4;

/// The most dimensions a kernel indexes after merging; more is refused.
pub(crate) const MAX_DIMS: usize = 8;

/// Definitions every kernel program starts with.
const PRELUDE: &str = r#"
#define TB_MAX_DIMS 8
struct TbIndex {
    long long shape[TB_MAX_DIMS];
    long long strides[3][TB_MAX_DIMS];
    int ndim;
};

struct __align__(8) tb_c64 { float re, im; };
struct __align__(16) tb_c128 { double re, im; };

__device__ __forceinline__ float tb_h2f(unsigned short h) {
    float f;
    asm("{ cvt.f32.f16 %0, %1; }" : "=f"(f) : "h"(h));
    return f;
}
__device__ __forceinline__ unsigned short tb_f2h(float f) {
    unsigned short h;
    asm("{ cvt.rn.f16.f32 %0, %1; }" : "=h"(h) : "f"(f));
    return h;
}
__device__ __forceinline__ float tb_b2f(unsigned short b) {
    return __uint_as_float(((unsigned int)b) << 16);
}
__device__ __forceinline__ unsigned short tb_f2b(float f) {
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (unsigned short)(u >> 16);
}

template <typename To, typename From> struct TbCvt {
    static __device__ __forceinline__ To f(From x) { return (To)x; }
};

// Float to integer as x86's truncating conversions give it in NumPy's
// loops (the CPU kernels' rule): NaN and out-of-range values give the
// minimum of int32/int64; narrower types keep the low bits of the int32;
// unsigned 32/64-bit types subtract 2^31/2^63 from large values first.
// Comparing in double is exact for float inputs too.
__device__ __forceinline__ int tb_cvt_i32(double x) {
    return (x > -2147483649.0 && x < 2147483648.0) ? (int)x : (int)0x80000000u;
}
__device__ __forceinline__ long long tb_cvt_i64(double x) {
    return (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? (long long)x
                                                                       : (long long)0x8000000000000000ull;
}
__device__ __forceinline__ unsigned int tb_cvt_u32(double x) {
    const bool big = x >= 2147483648.0;
    return (unsigned int)tb_cvt_i32(big ? x - 2147483648.0 : x) ^ (big ? 0x80000000u : 0u);
}
__device__ __forceinline__ unsigned long long tb_cvt_u64(double x) {
    const bool big = x >= 9223372036854775808.0;
    return (unsigned long long)tb_cvt_i64(big ? x - 9223372036854775808.0 : x) ^ (big ? 0x8000000000000000ull : 0ull);
}
#define TB_FROM_FLOAT(T, EXPR) \
    template <> struct TbCvt<T, float> { static __device__ __forceinline__ T f(float x) { const double v = x; return EXPR; } }; \
    template <> struct TbCvt<T, double> { static __device__ __forceinline__ T f(double v) { return EXPR; } };
TB_FROM_FLOAT(signed char, (signed char)tb_cvt_i32(v))
TB_FROM_FLOAT(short, (short)tb_cvt_i32(v))
TB_FROM_FLOAT(int, tb_cvt_i32(v))
TB_FROM_FLOAT(long long, tb_cvt_i64(v))
TB_FROM_FLOAT(unsigned char, (unsigned char)tb_cvt_i32(v))
TB_FROM_FLOAT(unsigned short, (unsigned short)tb_cvt_i32(v))
TB_FROM_FLOAT(unsigned int, tb_cvt_u32(v))
TB_FROM_FLOAT(unsigned long long, tb_cvt_u64(v))

// float64 to float16 rounds once, as NumPy does.
__device__ __forceinline__ unsigned short tb_d2h(double d) {
    unsigned short h;
    asm("{ cvt.rn.f16.f64 %0, %1; }" : "=h"(h) : "d"(d));
    return h;
}
template <typename From> struct TbCvt<tb_c64, From> {
    static __device__ __forceinline__ tb_c64 f(From x) { tb_c64 r = {(float)x, 0.0f}; return r; }
};
template <typename From> struct TbCvt<tb_c128, From> {
    static __device__ __forceinline__ tb_c128 f(From x) { tb_c128 r = {(double)x, 0.0}; return r; }
};
template <typename To> struct TbCvt<To, tb_c64> {
    static __device__ __forceinline__ To f(tb_c64 x) { return TbCvt<To, float>::f(x.re); }
};
template <typename To> struct TbCvt<To, tb_c128> {
    static __device__ __forceinline__ To f(tb_c128 x) { return TbCvt<To, double>::f(x.re); }
};
template <> struct TbCvt<tb_c64, tb_c64> {
    static __device__ __forceinline__ tb_c64 f(tb_c64 x) { return x; }
};
template <> struct TbCvt<tb_c128, tb_c128> {
    static __device__ __forceinline__ tb_c128 f(tb_c128 x) { return x; }
};
template <> struct TbCvt<tb_c64, tb_c128> {
    static __device__ __forceinline__ tb_c64 f(tb_c128 x) { tb_c64 r = {(float)x.re, (float)x.im}; return r; }
};
template <> struct TbCvt<tb_c128, tb_c64> {
    static __device__ __forceinline__ tb_c128 f(tb_c64 x) { tb_c128 r = {(double)x.re, (double)x.im}; return r; }
};
template <> struct TbCvt<bool, tb_c64> {
    static __device__ __forceinline__ bool f(tb_c64 x) { return x.re != 0.0f || x.im != 0.0f; }
};
template <> struct TbCvt<bool, tb_c128> {
    static __device__ __forceinline__ bool f(tb_c128 x) { return x.re != 0.0 || x.im != 0.0; }
};

template <typename C> __device__ __forceinline__ C tb_cadd(C a, C b) { C r = {a.re + b.re, a.im + b.im}; return r; }
template <typename C> __device__ __forceinline__ C tb_csub(C a, C b) { C r = {a.re - b.re, a.im - b.im}; return r; }
template <typename C> __device__ __forceinline__ C tb_cmul(C a, C b) {
    C r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return r;
}
// Smith's algorithm, as NumPy divides complex numbers.
template <typename C> __device__ __forceinline__ C tb_cdiv(C a, C b) {
    C r;
    if (fabs(b.re) >= fabs(b.im)) {
        if (b.re == 0 && b.im == 0) {
            r.re = a.re / fabs(b.re);
            r.im = a.im / fabs(b.im);
        } else {
            auto rat = b.im / b.re;
            auto scl = 1.0 / (b.re + b.im * rat);
            r.re = (a.re + a.im * rat) * scl;
            r.im = (a.im - a.re * rat) * scl;
        }
    } else {
        auto rat = b.re / b.im;
        auto scl = 1.0 / (b.im + b.re * rat);
        r.re = (a.re * rat + a.im) * scl;
        r.im = (a.im * rat - a.re) * scl;
    }
    return r;
}
template <typename C> __device__ __forceinline__ bool tb_ceq(C a, C b) { return a.re == b.re && a.im == b.im; }
"#;

/// How a dtype is stored and computed in CUDA C++.
struct CudaType {
    /// The type arithmetic runs in.
    compute: &'static str,
    /// Loading from a `const char*` expression into the compute type.
    load: fn(&str) -> String,
    /// Storing a compute-type expression through a `char*` expression.
    store: fn(&str, &str) -> String,
}

macro_rules! plain {
    ($t:literal) => {
        CudaType {
            compute: $t,
            load: |p| format!("(*(const {}*)({p}))", $t),
            store: |p, v| format!("*({}*)({p}) = {v}", $t),
        }
    };
}

fn cuda_type(d: DType) -> CudaType {
    match d {
        DType::Bool => CudaType {
            compute: "bool",
            load: |p| format!("(*(const unsigned char*)({p}) != 0)"),
            store: |p, v| format!("*(unsigned char*)({p}) = ({v}) ? 1 : 0"),
        },
        DType::Int8 => plain!("signed char"),
        DType::Int16 => plain!("short"),
        DType::Int32 => plain!("int"),
        DType::Int64 => plain!("long long"),
        DType::UInt8 => plain!("unsigned char"),
        DType::UInt16 => plain!("unsigned short"),
        DType::UInt32 => plain!("unsigned int"),
        DType::UInt64 => plain!("unsigned long long"),
        DType::Float16 => CudaType {
            compute: "float",
            load: |p| format!("tb_h2f(*(const unsigned short*)({p}))"),
            store: |p, v| format!("*(unsigned short*)({p}) = tb_f2h({v})"),
        },
        DType::BFloat16 => CudaType {
            compute: "float",
            load: |p| format!("tb_b2f(*(const unsigned short*)({p}))"),
            store: |p, v| format!("*(unsigned short*)({p}) = tb_f2b({v})"),
        },
        DType::Float32 => plain!("float"),
        DType::Float64 => plain!("double"),
        DType::Complex64 => plain!("tb_c64"),
        DType::Complex128 => plain!("tb_c128"),
    }
}

/// The unsigned type signed arithmetic wraps through, for the wide signed
/// compute types (narrower ones promote to `int`, which cannot overflow).
fn wrapping_type(compute: &str) -> Option<&'static str> {
    match compute {
        "int" => Some("unsigned int"),
        "long long" => Some("unsigned long long"),
        _ => None,
    }
}

/// The C++ expression of `expr` over `x`/`y` of the compute dtype `c`
/// (operands of dtypes `inputs`); `None` when there is no kernel for that
/// function and dtype.
fn expression(expr: &Expr, c: DType, inputs: &[DType]) -> Option<String> {
    if let Some(e) = mixed_sign_comparison(expr, c, inputs) {
        return Some(e);
    }
    let ct = cuda_type(c).compute;
    let complex = c.is_complex();
    let float = matches!(ct, "float" | "double");
    let wrap = wrapping_type(ct);
    Some(match *expr {
        Expr::Cast => "x".to_string(),
        Expr::Unary(name) => match name {
            "negative" if complex => format!("{ct}{{-x.re, -x.im}}"),
            "negative" => match wrap {
                Some(u) => format!("({ct})(({u})0 - ({u})x)"),
                None => "-x".to_string(),
            },
            "positive" => "x".to_string(),
            "abs" if complex => return None,
            "abs" if float => "fabs(x)".to_string(),
            "abs" if ct.starts_with("unsigned") || ct == "bool" => "x".to_string(),
            "abs" => match wrap {
                Some(u) => format!("(x < 0 ? ({ct})(({u})0 - ({u})x) : x)"),
                None => "(x < 0 ? -x : x)".to_string(),
            },
            "sqrt" | "exp" | "log" | "sin" | "cos" | "tan" | "tanh" | "floor" | "ceil"
            | "trunc" | "expm1" | "log1p"
                if float =>
            {
                format!("{name}(x)")
            }
            "square" if complex => "tb_cmul(x, x)".to_string(),
            "square" => match wrap {
                Some(u) => format!("({ct})(({u})x * ({u})x)"),
                None => "x * x".to_string(),
            },
            "isnan" if float => "(x != x)".to_string(),
            "isinf" if float => "isinf(x)".to_string(),
            "isfinite" if float => "isfinite(x)".to_string(),
            "isnan" | "isinf" if !complex => "false".to_string(),
            "isfinite" if !complex => "true".to_string(),
            "logical_not" if !complex => "!x".to_string(),
            _ => return None,
        },
        Expr::Binary(name) => match name {
            "add" if complex => "tb_cadd(x, y)".to_string(),
            "subtract" if complex => "tb_csub(x, y)".to_string(),
            "multiply" if complex => "tb_cmul(x, y)".to_string(),
            "divide" if complex => "tb_cdiv(x, y)".to_string(),
            "equal" if complex => "tb_ceq(x, y)".to_string(),
            "not_equal" if complex => "!tb_ceq(x, y)".to_string(),
            _ if complex => return None,
            "add" | "subtract" | "multiply" => {
                let op = match name {
                    "add" => "+",
                    "subtract" => "-",
                    _ => "*",
                };
                match wrap {
                    Some(u) => format!("({ct})(({u})x {op} ({u})y)"),
                    // bool: `+` is or and `*` is and once converted back.
                    None => format!("x {op} y"),
                }
            }
            "divide" if float => "x / y".to_string(),
            // NumPy's loops: the first operand wins ties and NaNs propagate.
            "maximum" => "((x >= y || x != x) ? x : y)".to_string(),
            "minimum" => "((x <= y || x != x) ? x : y)".to_string(),
            "logical_and" => "((bool)x && (bool)y)".to_string(),
            "logical_or" => "((bool)x || (bool)y)".to_string(),
            _ => format!("x {} y", comparison(name)?),
        },
    })
}

/// The C++ operator of a comparison function.
fn comparison(name: &str) -> Option<&'static str> {
    Some(match name {
        "equal" => "==",
        "not_equal" => "!=",
        "less" => "<",
        "less_equal" => "<=",
        "greater" => ">",
        "greater_equal" => ">=",
        _ => return None,
    })
}

/// A comparison of a signed integer with a uint64, computed on uint64
/// bits as the CPU does (`crate::cpu::binary::compare_mixed_sign`; their
/// common dtype, float64, would round both above 2^53): the signed operand
/// converts to `unsigned long long` sign-extended, so its top bit is its
/// sign, and a negative one is below every uint64.
fn mixed_sign_comparison(expr: &Expr, c: DType, inputs: &[DType]) -> Option<String> {
    let Expr::Binary(name) = *expr else {
        return None;
    };
    let signed_first = match inputs {
        [a, DType::UInt64] if a.kind() == crate::dtype::DTypeKind::Int => true,
        [DType::UInt64, b] if b.kind() == crate::dtype::DTypeKind::Int => false,
        _ => return None,
    };
    if c != DType::UInt64 {
        return None;
    }
    let op = comparison(name)?;
    let s = if signed_first { "x" } else { "y" };
    // Whether a negative signed operand makes the comparison true: it is
    // below the uint64, so `signed < unsigned` holds, `signed > unsigned`
    // does not, and it equals no uint64.
    let negative_holds = match op {
        "!=" => true,
        "<" | "<=" => signed_first,
        ">" | ">=" => !signed_first,
        _ => false,
    };
    Some(if negative_holds {
        format!("((long long){s} < 0 || x {op} y)")
    } else {
        format!("((long long){s} >= 0 && x {op} y)")
    })
}

/// The dtypes of one kernel: its operands (one or two), the compute dtype
/// and the output.
pub(crate) struct Signature<'a> {
    /// The operands' dtypes.
    pub inputs: &'a [DType],
    /// The dtype the operation computes in.
    pub compute: DType,
    /// The output's dtype.
    pub out: DType,
}

/// A kernel's name: the expression and every dtype, so each distinct
/// kernel is compiled once.
pub(crate) fn kernel_name(expr: &Expr, sig: &Signature<'_>) -> String {
    let what = match expr {
        Expr::Cast => "cast",
        Expr::Unary(n) | Expr::Binary(n) => n,
    };
    let mut name = format!("tb_{what}");
    for d in sig.inputs.iter().chain([&sig.compute, &sig.out]) {
        name.push('_');
        name.push_str(d.name());
    }
    name
}

/// The full program (prelude and one kernel) computing `expr`, or `None`
/// when there is no CUDA kernel for it at these dtypes.
pub(crate) fn program(expr: &Expr, sig: &Signature<'_>) -> Option<(String, String)> {
    // float64 -> float16 rounds once (NumPy): the cast computes in float64.
    let wide_to_half = matches!(expr, Expr::Cast)
        && sig.out == DType::Float16
        && matches!(sig.inputs, [DType::Float64 | DType::Complex128]);
    let sig = &Signature {
        inputs: sig.inputs,
        compute: if wide_to_half {
            DType::Float64
        } else {
            sig.compute
        },
        out: sig.out,
    };
    let body = expression(expr, sig.compute, sig.inputs)?;
    let name = kernel_name(expr, sig);
    let c = cuda_type(sig.compute);
    let o = cuda_type(sig.out);
    // What the expression yields: bool for predicates, else the compute type.
    let result_ct = if sig.out == DType::Bool && sig.compute != DType::Bool {
        "bool"
    } else {
        c.compute
    };
    // Each operand's value at a byte address, converted to the compute type.
    let load_at = |k: usize, at: &str| {
        let d = sig.inputs[k];
        let t = cuda_type(d);
        let load = (t.load)(at);
        // NumPy's float16 -> uint32 loop is scalar: through int64, low bits.
        if d == DType::Float16 && sig.compute == DType::UInt32 {
            format!("(unsigned int)tb_cvt_i64({load})")
        } else {
            format!(
                "TbCvt<{ct}, {from}>::f({load})",
                ct = c.compute,
                from = t.compute
            )
        }
    };
    let store_at = |at: &str| {
        if sig.out == DType::Float16 && result_ct == "double" {
            format!("*(unsigned short*)({at}) = tb_d2h(r)")
        } else {
            (o.store)(
                at,
                &format!("TbCvt<{oc}, {rc}>::f(r)", oc = o.compute, rc = result_ct),
            )
        }
    };
    let ct = c.compute;
    // One line per operand k, whose value is named x (then y).
    let per_operand = |line: &dyn Fn(usize, &str) -> String| -> String {
        (0..sig.inputs.len())
            .map(|k| line(k, ["x", "y"][k]))
            .collect()
    };
    let params: Vec<String> = (0..sig.inputs.len())
        .map(|k| format!("const char* __restrict__ in{k}"))
        .collect();
    // The output's strides always take the last slot (2) of the index.
    let general_loads = per_operand(&|k, v| {
        let value = load_at(k, &format!("in{k} + off[{k}]"));
        format!("        const {ct} {v} = {value};\n")
    });
    let arrays = per_operand(&|_, v| format!("            {ct} {v}s[{UNROLL}];\n"));
    let flat_loads = per_operand(&|k, v| {
        let value = load_at(k, &format!("in{k} + i * s{k}"));
        format!("                    {v}s[u] = {value};\n")
    });
    let flat_values =
        per_operand(&|_, v| format!("                    const {ct} {v} = {v}s[u];\n"));
    let src = format!(
        r#"{PRELUDE}
extern "C" __global__ void {name}({params}, char* __restrict__ out, long long n, TbIndex ix) {{
    const long long step = (long long)gridDim.x * blockDim.x;
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (ix.ndim <= 1) {{
        // One (merged) dimension: an offset is the index times the stride.
        // Each thread loads {UNROLL} elements, then computes and stores them,
        // so {UNROLL} loads per operand are in flight at once (the operands
        // never overlap the output: __restrict__).
        const long long s0 = ix.ndim ? ix.strides[0][0] : 0;
        const long long s1 = ix.ndim ? ix.strides[1][0] : 0;
        const long long s2 = ix.ndim ? ix.strides[2][0] : 0;
        for (long long base = first; base < n; base += {UNROLL} * step) {{
{arrays}#pragma unroll
            for (int u = 0; u < {UNROLL}; ++u) {{
                const long long i = base + u * step;
                if (i < n) {{
{flat_loads}                }}
            }}
#pragma unroll
            for (int u = 0; u < {UNROLL}; ++u) {{
                const long long i = base + u * step;
                if (i < n) {{
{flat_values}                    const {result_ct} r = ({body});
                    {flat_store};
                }}
            }}
        }}
        return;
    }}
    for (long long i = first; i < n; i += step) {{
        long long rest = i;
        long long off[3] = {{0, 0, 0}};
        for (int d = ix.ndim - 1; d > 0; --d) {{
            const long long k = rest % ix.shape[d];
            rest /= ix.shape[d];
            off[0] += k * ix.strides[0][d];
            off[1] += k * ix.strides[1][d];
            off[2] += k * ix.strides[2][d];
        }}
        // The outermost index is what is left (i < n bounds it): no divide.
        off[0] += rest * ix.strides[0][0];
        off[1] += rest * ix.strides[1][0];
        off[2] += rest * ix.strides[2][0];
{general_loads}        const {result_ct} r = ({body});
        {general_store};
    }}
}}
"#,
        params = params.join(", "),
        flat_store = store_at("out + i * s2"),
        general_store = store_at("out + off[2]"),
    );
    Some((name, src))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_name_their_dtypes_and_refuse_what_has_no_kernel() {
        let sig = Signature {
            inputs: &[DType::Int32, DType::Float64],
            compute: DType::Float64,
            out: DType::Float64,
        };
        let (name, src) = program(&Expr::Binary("add"), &sig).unwrap();
        assert_eq!(name, "tb_add_int32_float64_float64_float64");
        assert!(src.contains("extern \"C\" __global__ void tb_add_int32_float64_float64_float64("));
        assert!(src.contains("TbCvt<double, int>::f"));
        let c = Signature {
            inputs: &[DType::Complex64],
            compute: DType::Complex64,
            out: DType::Float32,
        };
        assert!(program(&Expr::Unary("abs"), &c).is_none());
        let wrap = Signature {
            inputs: &[DType::Int64, DType::Int64],
            compute: DType::Int64,
            out: DType::Int64,
        };
        let (_, src) = program(&Expr::Binary("multiply"), &wrap).unwrap();
        assert!(src.contains("(long long)((unsigned long long)x * (unsigned long long)y)"));
    }

    /// The signed-against-uint64 comparisons, evaluated: the expressions
    /// are plain C++, so the host's C++ compiler runs them (on x86-64, as
    /// on the GPU, `long long` to `unsigned long long` keeps the bits) over
    /// values around 0, 2^53, 2^63 and the ends of every signed type,
    /// against exact comparisons. Skipped where no `c++` is installed.
    #[test]
    fn mixed_sign_comparisons_are_exact() {
        let signed: Vec<i64> = vec![
            0,
            1,
            -1,
            127,
            -128,
            32767,
            -32768,
            i32::MAX as i64,
            i32::MIN as i64,
            (1 << 53) + 1,
            1 << 53,
            i64::MAX - 1,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        let unsigned: Vec<u64> = vec![
            0,
            1,
            127,
            128,
            (1 << 53) + 1,
            1 << 53,
            1 << 63,
            (1 << 63) - 1,
            (1 << 63) + 1,
            u64::MAX,
            u64::MAX - 1,
        ];
        let ops = [
            ("equal", 0),
            ("not_equal", 1),
            ("less", 2),
            ("less_equal", 3),
            ("greater", 4),
            ("greater_equal", 5),
        ];
        let mut src = String::from("#include <cstdio>\nint main() {\n");
        let list = |v: Vec<String>| v.join(", ");
        src += &format!(
            "const long long s[] = {{{}}};\nconst unsigned long long u[] = {{{}}};\n",
            list(
                signed
                    .iter()
                    .map(|v| format!("(long long){}ull", *v as u64))
                    .collect()
            ),
            list(unsigned.iter().map(|v| format!("{v}ull")).collect()),
        );
        let mut want = String::new();
        for signed_first in [true, false] {
            for (name, k) in ops {
                let inputs = if signed_first {
                    [DType::Int64, DType::UInt64]
                } else {
                    [DType::UInt64, DType::Int64]
                };
                let expr = expression(&Expr::Binary(name), DType::UInt64, &inputs).unwrap();
                src += &format!(
                    "for (auto a : s) for (auto b : u) {{ unsigned long long x = {}, y = {}; std::putchar(({expr}) ? '1' : '0'); }}\n",
                    if signed_first { "(unsigned long long)a" } else { "b" },
                    if signed_first { "b" } else { "(unsigned long long)a" },
                );
                for &a in &signed {
                    for &b in &unsigned {
                        let (l, r) = if signed_first {
                            (a as i128, b as i128)
                        } else {
                            (b as i128, a as i128)
                        };
                        let holds = [l == r, l != r, l < r, l <= r, l > r, l >= r][k];
                        want.push(if holds { '1' } else { '0' });
                    }
                }
            }
        }
        src += "return 0;\n}\n";
        let dir = std::env::temp_dir().join(format!("tb-mixed-sign-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cpp, exe) = (dir.join("t.cpp"), dir.join("t"));
        std::fs::write(&cpp, &src).unwrap();
        let built = std::process::Command::new("c++")
            .arg("-std=c++11")
            .arg("-o")
            .arg(&exe)
            .arg(&cpp)
            .status();
        let got = match built {
            Ok(s) if s.success() => std::process::Command::new(&exe).output().unwrap().stdout,
            Ok(_) => panic!("the host compiler refused the expressions:\n{src}"),
            Err(_) => {
                eprintln!("no c++ compiler here; the mixed-sign expressions were not run");
                let _ = std::fs::remove_dir_all(&dir);
                return;
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
}
