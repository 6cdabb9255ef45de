//! x^y of float32 operands, computed in float64 with two small tables:
//! the vector form of `Pow32` (see `cpu::power`).
//!
//! log2 x is k + log2 c + log2(1 + r): c is the centre of the one of 128
//! intervals of [0.6875, 1.375) that holds x's reduced mantissa z, and r =
//! z/c - 1 with |r| < 0.0079 (`INV_C` holds 1/c rounded, `LOG2_C` the
//! exact -log2 of that rounded reciprocal, so its rounding costs nothing;
//! the interval starting at 1 has c = 1 itself). ln(1 + r) is a Taylor
//! polynomial to r^6. 2^w is 2^(j/64) 2^m e^(s ln 2) with |s| <= 1/128
//! and a polynomial to the fifth power.
//!
//! In base 2 a power of two's logarithm is its exact exponent, so powers
//! of two come out exact (2^-150 is exactly half the smallest subnormal
//! and rounds to 0, as it must), 1 ** y is 1 for every y, and otherwise
//! the float64 power is within about 2^-44 of the true one: it rounds to
//! the float32 nearest the true power except where that lies within
//! about 2^-44 relative of a rounding boundary.
//!
//! The tables replace the float64 logarithm's division and the long
//! exponential series that `vmath64` needs for float64's 53 bits; the
//! loops read them with gathers (AVX2 and AVX-512 both have them).

use super::{clamp, horner, MulAdd, ROUND_SHIFT};

/// The reduced mantissa's range starts here: 0.6875.
const OFF: u64 = 0x3fe6_0000_0000_0000;
const LN2: f64 = std::f64::consts::LN_2;
const LOG2_E: f64 = std::f64::consts::LOG2_E;

/// log2 x for a positive, finite float32 `x` (subnormals included: every
/// float32 is a normal float64), to about 2^-53 relative; exact for powers
/// of two.
#[inline(always)]
pub fn log2_of_f32<M: MulAdd>(x: f32) -> f64 {
    let ix = (x as f64).to_bits();
    let tmp = ix.wrapping_sub(OFF);
    let i = ((tmp >> 45) & 127) as usize;
    let k = (tmp as i64) >> 52;
    let z = f64::from_bits(ix.wrapping_sub(tmp & 0xfff0_0000_0000_0000));
    // k as a float64 without an integer conversion (which AVX2 lacks for
    // 64-bit lanes): its two's complement sits in ROUND_SHIFT's low bits.
    let kf = f64::from_bits(ROUND_SHIFT.to_bits().wrapping_add(k as u64)) - ROUND_SHIFT;
    let r = M::mul_add(z, f64::from_bits(INV_C[i]), -1.0);
    // ln(1 + r) = r - r^2/2 + r^3/3 - ... - r^6/6: the first term left
    // out is below 2^-52 of it.
    #[rustfmt::skip]
    let q = horner::<M, 5>(r, [-1.0 / 6.0, 1.0 / 5.0, -1.0 / 4.0, 1.0 / 3.0, -0.5]);
    (kf + f64::from_bits(LOG2_C[i])) + M::mul_add(r * r, q, r) * LOG2_E
}

/// 2^w for `w` in [-400, 400] (the caller clamps; beyond that a float32
/// power is 0 or infinite either way), to about 2^-50 relative; exact
/// where w is an integer.
#[inline(always)]
pub fn exp2_for_f32<M: MulAdd>(w: f64) -> f64 {
    let zz = M::mul_add(w, 64.0, ROUND_SHIFT);
    let kf = zz - ROUND_SHIFT;
    // The integer kf, as two's complement bits: 64 steps per power of two.
    let ki = zz.to_bits().wrapping_sub(ROUND_SHIFT.to_bits());
    // Exact: w and kf/64 are within 1/128 of each other.
    let t = (w - kf * (1.0 / 64.0)) * LN2;
    #[rustfmt::skip]
    let p = horner::<M, 6>(t, [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0]);
    // 2^(j/64) with the power of two added to its exponent field.
    let scale =
        f64::from_bits(EXP2_J[(ki & 63) as usize].wrapping_add(((ki as i64) >> 6 << 52) as u64));
    scale * p
}

/// |x|^y for float32 operands: `x` non-zero and finite, `y` finite.
#[inline(always)]
pub fn pow_magnitude<M: MulAdd>(x: f32, y: f32) -> f64 {
    let w = y as f64 * log2_of_f32::<M>(x.abs());
    exp2_for_f32::<M>(clamp(w, -400.0, 400.0))
}

/// 1/c rounded, for the centre c of each of the 128 intervals of the
/// reduced mantissa (bit patterns; interval 80, which starts at 1, has c =
/// 1). Generated with mpmath at 200 bits.
#[rustfmt::skip]
const INV_C: [u64; 128] = [
    0x3ff734f0c541fe8d, 0x3ff713786d9c7c09, 0x3ff6f26016f26017, 0x3ff6d1a62681c861,
    0x3ff6b1490aa31a3d, 0x3ff691473a88d0c0, 0x3ff6719f3601671a, 0x3ff6524f853b4aa3,
    0x3ff63356b88ac0de, 0x3ff614b36831ae94, 0x3ff5f66434292dfc, 0x3ff5d867c3ece2a5,
    0x3ff5babcc647fa91, 0x3ff59d61f123ccaa, 0x3ff5805601580560, 0x3ff56397ba7c52e2,
    0x3ff54725e6bb82fe, 0x3ff52aff56a8054b, 0x3ff50f22e111c4c5, 0x3ff4f38f62dd4c9b,
    0x3ff4d843bedc2c4c, 0x3ff4bd3edda68fe1, 0x3ff4a27fad76014a, 0x3ff4880522014880,
    0x3ff46dce34596066, 0x3ff453d9e2c776ca, 0x3ff43a2730abee4d, 0x3ff420b5265e5951,
    0x3ff40782d10e6566, 0x3ff3ee8f42a5af07, 0x3ff3d5d991aa75c6, 0x3ff3bd60d9232955,
    0x3ff3a524387ac822, 0x3ff38d22d366088e, 0x3ff3755bd1c945ee, 0x3ff35dce5f9f2af8,
    0x3ff34679ace01346, 0x3ff32f5ced6a1dfa, 0x3ff3187758e9ebb6, 0x3ff301c82ac40260,
    0x3ff2eb4ea1fed14b, 0x3ff2d50a012d50a0, 0x3ff2bef98e5a3711, 0x3ff2a91c92f3c105,
    0x3ff293725bb804a5, 0x3ff27dfa38a1ce4d, 0x3ff268b37cd60127, 0x3ff2539d7e9177b2,
    0x3ff23eb79717605b, 0x3ff22a0122a0122a, 0x3ff21579804855e6, 0x3ff2012012012012,
    0x3ff1ecf43c7fb84c, 0x3ff1d8f5672e4abd, 0x3ff1c522fc1ce059, 0x3ff1b17c67f2bae3,
    0x3ff19e0119e0119e, 0x3ff18ab083902bdb, 0x3ff1778a191bd684, 0x3ff1648d50fc3201,
    0x3ff151b9a3fdd5c9, 0x3ff13f0e8d344724, 0x3ff12c8b89edc0ac, 0x3ff11a3019a74826,
    0x3ff107fbbe011080, 0x3ff0f5edfab325a2, 0x3ff0e40655826011, 0x3ff0d24456359e3a,
    0x3ff0c0a7868b4171, 0x3ff0af2f722eecb5, 0x3ff09ddba6af8360, 0x3ff08cabb37565e2,
    0x3ff07b9f29b8eae2, 0x3ff06ab59c7912fb, 0x3ff059eea0727586, 0x3ff04949cc1664c5,
    0x3ff038c6b78247fc, 0x3ff02864fc7729e9, 0x3ff0182436517a37, 0x3ff0080402010080,
    0x3ff0000000000000, 0x3fefa11caa01fa12, 0x3fef6310aca0dbb5, 0x3fef25f644230ab5,
    0x3feee9c7f8458e02, 0x3feeae807aba01eb, 0x3fee741aa59750e4, 0x3fee3a9179dc1a73,
    0x3fee01e01e01e01e, 0x3fedca01dca01dca, 0x3fed92f2231e7f8a, 0x3fed5cac807572b2,
    0x3fed272ca3fc5b1a, 0x3fecf26e5c44bfc6, 0x3fecbe6d9601cbe7, 0x3fec8b265afb8a42,
    0x3fec5894d10d4986, 0x3fec26b5392ea01c, 0x3febf583ee868d8b, 0x3febc4fd65883e7b,
    0x3feb951e2b18ff23, 0x3feb65e2e3beee05, 0x3feb37484ad806ce, 0x3feb094b31d922a4,
    0x3feadbe87f94905e, 0x3feaaf1d2f87ebfd, 0x3fea82e65130e159, 0x3fea574107688a4a,
    0x3fea2c2a87c51ca0, 0x3fea01a01a01a01a, 0x3fe9d79f176b682d, 0x3fe9ae24ea5510da,
    0x3fe9852f0d8ec0ff, 0x3fe95cbb0be377ae, 0x3fe934c67f9b2ce6, 0x3fe90d4f120190d5,
    0x3fe8e6527af1373f, 0x3fe8bfce8062ff3a, 0x3fe899c0f601899c, 0x3fe87427bcc092b9,
    0x3fe84f00c2780614, 0x3fe82a4a0182a4a0, 0x3fe8060180601806, 0x3fe7e225515a4f1d,
    0x3fe7beb3922e017c, 0x3fe79baa6bb6398b, 0x3fe77908119ac60d, 0x3fe756cac201756d,
];

/// -log2 of each `INV_C` entry (exactly that rounded reciprocal's),
/// rounded to float64.
#[rustfmt::skip]
const LOG2_C: [u64; 128] = [
    0xbfe12aceeefcd824, 0xbfe0e809617b46b5, 0xbfe0a5a3dc175219, 0xbfe0639d4c219d60,
    0xbfe021f4a37ecbfb, 0xbfdfc151b11b3641, 0xbfdf3f71cc1b629c, 0xbfdebe47960e3c08,
    0xbfde3dd1156507de, 0xbfddbe0c58c3cff3, 0xbfdd3ef776d43ff4, 0xbfdcc0908e19b7bc,
    0xbfdc42d5c4c688b2, 0xbfdbc5c5489254cb, 0xbfdb495d4e9185f7, 0xbfdacd9c130dd540,
    0xbfda527fd95fd8ff, 0xbfd9d806ebc9921d, 0xbfd95e2f9b51f04c, 0xbfd8e4f83fa145f0,
    0xbfd86c5f36dea3de, 0xbfd7f462e58e1689, 0xbfd77d01b66fbd36, 0xbfd7063a1a5fb4f1,
    0xbfd6900a8836d0d4, 0xbfd61a717cac1983, 0xbfd5a56d7a370ded, 0xbfd530fd08f29fa6,
    0xbfd4bd1eb680e548, 0xbfd449d115ef7d88, 0xbfd3d712bf9c9df0, 0xbfd364e2511cc823,
    0xbfd2f33e6d2120f0, 0xbfd28225bb5e64a5, 0xbfd21196e87473d2, 0xbfd1a190a5d674a0,
    0xbfd13211a9b38422, 0xbfd0c318aedff3c0, 0xbfd054a474bf0eb7, 0xbfcfcd677e5ac81b,
    0xbfcef28aacd72230, 0xbfce18b00e13123c, 0xbfcd3fd543a4ad5d, 0xbfcc67f7f770a67b,
    0xbfcb9115db83a3df, 0xbfcabb2ca9ec746e, 0xbfc9e63a24971f4a, 0xbfc9123c1528c6cd,
    0xbfc83f304cdc5aa4, 0xbfc76d14a4601225, 0xbfc69be6fbb3aa6f, 0xbfc5cba53a0762ed,
    0xbfc4fc4d4d9bb311, 0xbfc42ddd2ba1b4ae, 0xbfc36052d01c3dd8, 0xbfc293ac3dc1a66c,
    0xbfc1c7e77dde33db, 0xbfc0fd02a03727ed, 0xbfc032fbbaee6d64, 0xbfbed3a1d4cdbeb9,
    0xbfbd4300a2524d46, 0xbfbbb4102f925391, 0xbfba26ccd9981858, 0xbfb89b33091d6fde,
    0xbfb7113f3259e07f, 0xbfb588edd4d1ceb2, 0xbfb4023b7b26aca0, 0xbfb27d24bae824df,
    0xbfb0f9a634663ae7, 0xbfaeef792508b68a, 0xbfabeec9151aac2b, 0xbfa8f135b8107911,
    0xbfa5f6b8a11c3c73, 0xbfa2ff4b77413db9, 0xbfa00ae7f502c1b2, 0xbf9a330fd028f734,
    0xbf94564a62192839, 0xbf8cfee70c5ce606, 0xbf815cfe8eaec7f5, 0xbf671b0ea42e5f21,
    0x0000000000000000, 0x3f91363117a97b03, 0x3f9c9363ba850f9c, 0x3fa3ed3094685a27,
    0x3fa985bfc3495193, 0x3faf13898332539d, 0x3fb24b5b7e135a41, 0x3fb507b836033bba,
    0x3fb7beee96b8a281, 0x3fba7111df348494, 0x3fbd1e34e35b82d7, 0x3fbfc66a0f0b00a5,
    0x3fc134e1b4890631, 0x3fc284294b07a640, 0x3fc3d1146d9a8a63, 0x3fc51bab907a5c8a,
    0x3fc663f6fac91315, 0x3fc7a9fec7d05de0, 0x3fc8edcae8352b6b, 0x3fca2f632320b86c,
    0x3fcb6ecf175f95ec, 0x3fccac163c770dca, 0x3fcde73fe3b1480e, 0x3fcf205339208f27,
    0x3fd02baba24d0664, 0x3fd0c62975542a8d, 0x3fd15fa676bb08fe, 0x3fd1f825f6d88e13,
    0x3fd28fab35b32684, 0x3fd32639636b2836, 0x3fd3bbd3a0a1dcfb, 0x3fd4507cfedd4fc5,
    0x3fd4e43880e8fb6b, 0x3fd577091b3378c9, 0x3fd608f1b42948ae, 0x3fd699f5248cd4b8,
    0x3fd72a1637cbc183, 0x3fd7b957ac51aac4, 0x3fd847bc33d8618e, 0x3fd8d54673b5c371,
    0x3fd961f90527409b, 0x3fd9edd6759b25e0, 0x3fda78e146f7bef4, 0x3fdb031befe06435,
    0x3fdb8c88dbf88679, 0x3fdc152a6c24cae7, 0x3fdc9d02f6ca47b5, 0x3fdd2414c80bf27c,
];

/// 2^(j/64) for j in 0..64, rounded to float64.
#[rustfmt::skip]
const EXP2_J: [u64; 64] = [
    0x3ff0000000000000, 0x3ff02c9a3e778061, 0x3ff059b0d3158574, 0x3ff0874518759bc8,
    0x3ff0b5586cf9890f, 0x3ff0e3ec32d3d1a2, 0x3ff11301d0125b51, 0x3ff1429aaea92de0,
    0x3ff172b83c7d517b, 0x3ff1a35beb6fcb75, 0x3ff1d4873168b9aa, 0x3ff2063b88628cd6,
    0x3ff2387a6e756238, 0x3ff26b4565e27cdd, 0x3ff29e9df51fdee1, 0x3ff2d285a6e4030b,
    0x3ff306fe0a31b715, 0x3ff33c08b26416ff, 0x3ff371a7373aa9cb, 0x3ff3a7db34e59ff7,
    0x3ff3dea64c123422, 0x3ff4160a21f72e2a, 0x3ff44e086061892d, 0x3ff486a2b5c13cd0,
    0x3ff4bfdad5362a27, 0x3ff4f9b2769d2ca7, 0x3ff5342b569d4f82, 0x3ff56f4736b527da,
    0x3ff5ab07dd485429, 0x3ff5e76f15ad2148, 0x3ff6247eb03a5585, 0x3ff6623882552225,
    0x3ff6a09e667f3bcd, 0x3ff6dfb23c651a2f, 0x3ff71f75e8ec5f74, 0x3ff75feb564267c9,
    0x3ff7a11473eb0187, 0x3ff7e2f336cf4e62, 0x3ff82589994cce13, 0x3ff868d99b4492ed,
    0x3ff8ace5422aa0db, 0x3ff8f1ae99157736, 0x3ff93737b0cdc5e5, 0x3ff97d829fde4e50,
    0x3ff9c49182a3f090, 0x3ffa0c667b5de565, 0x3ffa5503b23e255d, 0x3ffa9e6b5579fdbf,
    0x3ffae89f995ad3ad, 0x3ffb33a2b84f15fb, 0x3ffb7f76f2fb5e47, 0x3ffbcc1e904bc1d2,
    0x3ffc199bdd85529c, 0x3ffc67f12e57d14b, 0x3ffcb720dcef9069, 0x3ffd072d4a07897c,
    0x3ffd5818dcfba487, 0x3ffda9e603db3285, 0x3ffdfc97337b9b5f, 0x3ffe502ee78b3ff6,
    0x3ffea4afa2a490da, 0x3ffefa1bee615a27, 0x3fff50765b6e4540, 0x3fffa7c1819e90d8,
];
