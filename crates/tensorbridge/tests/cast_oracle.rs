//! Every dtype pair of `cpu::cast::cast_run` against NumPy's bytes.
//!
//! The fixture is written by `scripts/gen_cast_oracle.py` (format documented
//! there): per source dtype, an array of interesting values and NumPy's result
//! of casting it to each of the 15 dtypes. Each pair runs with unit strides and
//! again with negative strides on both sides, and must match byte for byte,
//! NaN payloads included.

use tensorbridge::cpu::cast::cast_run;
use tensorbridge::DType;

const FIXTURE: &[u8] = include_bytes!("fixtures/cast_oracle.bin");

/// A buffer of `len` bytes aligned for every element type.
fn aligned(len: usize) -> Vec<u128> {
    vec![0u128; len.div_ceil(16).max(1)]
}

fn bytes(buf: &[u128]) -> &[u8] {
    // SAFETY: u128 has no padding; any initialised u128 is readable as bytes.
    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), buf.len() * 16) }
}

fn bytes_mut(buf: &mut [u128]) -> &mut [u8] {
    // SAFETY: as `bytes`; every byte pattern is a valid u128.
    unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), buf.len() * 16) }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }
}

/// Casts `n` elements of `src` (dtype `from`) with the given strides; returns
/// the destination elements in logical order.
fn cast(from: DType, src: &[u8], to: DType, n: usize, reversed: bool) -> Vec<u8> {
    let (fs, ts) = (from.itemsize(), to.itemsize());
    let mut s = aligned(n * fs);
    bytes_mut(&mut s)[..n * fs].copy_from_slice(src);
    let mut d = aligned(n * ts);
    let (sp, dp, ss, ds) = if reversed {
        // Store the source reversed and read it with stride -1 from its end;
        // write the destination with stride -1 from its end too, so logical
        // element i lands at index n-1-i.
        let rev: Vec<u8> = src.chunks(fs).rev().flatten().copied().collect();
        bytes_mut(&mut s)[..n * fs].copy_from_slice(&rev);
        // SAFETY: n >= 1, so index n-1 is inside both buffers.
        unsafe {
            (
                s.as_ptr().cast::<u8>().add((n - 1) * fs),
                d.as_mut_ptr().cast::<u8>().add((n - 1) * ts),
                -1,
                -1,
            )
        }
    } else {
        (s.as_ptr().cast::<u8>(), d.as_mut_ptr().cast::<u8>(), 1, 1)
    };
    // SAFETY: both buffers hold n aligned elements of their dtypes; the
    // strided runs stay inside them and do not overlap.
    unsafe { cast_run(from, sp, ss, to, dp, ds, n) };
    let out = &bytes(&d)[..n * ts];
    if reversed {
        out.chunks(ts).rev().flatten().copied().collect()
    } else {
        out.to_vec()
    }
}

fn describe(dtype: DType, b: &[u8]) -> String {
    b.iter().rev().map(|x| format!("{x:02x}")).collect::<String>() + " (" + dtype.name() + ")"
}

/// Checks a fixture; returns (pairs, values) checked.
fn check_fixture(blob: &[u8]) -> (usize, usize) {
    let mut r = Reader(blob);
    assert_eq!(r.take(8), b"TBCAST1\0", "bad fixture magic");
    let nsrc = r.u32();
    let (mut pairs, mut values, mut failures) = (0, 0, Vec::new());
    for _ in 0..nsrc {
        let from = DType::ALL[usize::from(r.u8())];
        let n = r.u32() as usize;
        let src = r.take(n * from.itemsize());
        for _ in 0..r.u8() {
            let to = DType::ALL[usize::from(r.u8())];
            let want = r.take(n * to.itemsize());
            let before = failures.len();
            for reversed in [false, true] {
                let got = cast(from, src, to, n, reversed);
                let (fs, ts) = (from.itemsize(), to.itemsize());
                for i in 0..n {
                    let (g, w) = (&got[i * ts..(i + 1) * ts], &want[i * ts..(i + 1) * ts]);
                    // Up to 3 reports per pair, so every failing pair shows.
                    if g != w && failures.len() < before + 3 {
                        failures.push(format!(
                            "{from} -> {to} [{i}{}]: src {} got {} numpy {}",
                            if reversed { ", stride -1" } else { "" },
                            describe(from, &src[i * fs..(i + 1) * fs]),
                            describe(to, g),
                            describe(to, w),
                        ));
                    }
                }
            }
            pairs += 1;
            values += n;
        }
    }
    assert!(r.0.is_empty(), "trailing bytes in fixture");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    (pairs, values)
}

#[test]
fn every_pair_matches_numpy() {
    let (pairs, values) = check_fixture(FIXTURE);
    assert_eq!(pairs, 225);
    println!("cast oracle: {pairs} dtype pairs, {values} values, each with stride 1 and -1");
}
