//! CPU kernels, one file per family. This is the one place that dispatches
//! over every dtype.

#![allow(unsafe_code)]

pub mod cast;
pub mod copy;
pub mod fill;
pub mod matmul;
pub mod radix;
pub mod sort;
pub mod transpose;
