//! Whether two byte ranges overlap: the conservative test copy kernels use
//! to decide when a temporary is needed.

/// True when `[a_lo, a_hi]` and `[b_lo, b_hi]` (inclusive addresses) overlap.
pub fn ranges_overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_ranges() {
        assert!(ranges_overlap((0, 3), (3, 5)));
        assert!(!ranges_overlap((0, 3), (4, 5)));
        assert!(ranges_overlap((2, 2), (0, 9)));
    }
}
