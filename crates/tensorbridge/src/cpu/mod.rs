//! CPU kernels, one file per family. This is the one place that dispatches
//! over every dtype.

#![allow(unsafe_code)]

pub mod argreduce;
pub mod cast;
pub mod copy;
pub mod cumulative;
pub mod fill;
pub mod fold;
pub mod pairwise;
pub mod reduce;
pub mod transpose;
