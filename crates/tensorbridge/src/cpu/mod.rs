//! CPU kernels, one file per family. This is the one place that dispatches
//! over every dtype.

#![allow(unsafe_code)]

pub mod argreduce;
pub mod assemble;
pub mod binary;
pub mod cast;
pub mod clip;
pub mod complex_math;
pub mod copy;
pub mod create;
pub mod cumulative;
pub mod fill;
pub mod float;
pub mod fmod;
pub mod fold;
pub mod gather;
pub mod host;
pub mod int;
pub mod map;
pub mod mask;
pub mod matmul;
pub mod pairwise;
pub mod parallel;
pub mod power;
pub mod radix;
pub mod reduce;
pub mod repeat;
pub mod select;
pub mod sort;
pub mod transpose;
pub mod trig_blocks;
pub mod truth;
pub mod unary;
pub mod vmath;
pub mod vmath64;
