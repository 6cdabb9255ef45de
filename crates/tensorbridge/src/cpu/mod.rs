//! CPU kernels, one file per family. This is the one place that dispatches
//! over every dtype.

#![allow(unsafe_code)]

pub mod assemble;
pub mod cast;
pub mod copy;
pub mod create;
pub mod fill;
pub mod repeat;
pub mod transpose;
