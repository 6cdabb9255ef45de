//! Where a tensor's memory lives.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A device: the host, or one CUDA GPU by ordinal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Device {
    /// Host memory.
    #[default]
    Cpu,
    /// CUDA device memory on the GPU with this ordinal.
    Cuda(usize),
}

impl Device {
    /// The device type as a string: `"cpu"` or `"cuda"`.
    pub fn type_name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda(_) => "cuda",
        }
    }

    /// The ordinal of a CUDA device; `None` for the CPU.
    pub fn index(self) -> Option<usize> {
        match self {
            Device::Cpu => None,
            Device::Cuda(i) => Some(i),
        }
    }

    /// True for [`Device::Cpu`].
    pub fn is_cpu(self) -> bool {
        self == Device::Cpu
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(i) => write!(f, "cuda:{i}"),
        }
    }
}

impl FromStr for Device {
    type Err = Error;

    /// Parses `"cpu"`, `"cuda"` (ordinal 0) and `"cuda:N"`.
    fn from_str(s: &str) -> Result<Device> {
        let bad = || Error::UnknownDevice {
            name: s.to_string(),
        };
        let (kind, index) = match s.split_once(':') {
            Some((k, i)) => (k, Some(i.parse::<usize>().map_err(|_| bad())?)),
            None => (s, None),
        };
        match (kind, index) {
            ("cpu", None | Some(0)) => Ok(Device::Cpu),
            ("cuda", i) => Ok(Device::Cuda(i.unwrap_or(0))),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        assert_eq!("cpu".parse::<Device>().unwrap(), Device::Cpu);
        assert_eq!("cuda".parse::<Device>().unwrap(), Device::Cuda(0));
        assert_eq!("cuda:1".parse::<Device>().unwrap(), Device::Cuda(1));
        assert_eq!(Device::Cuda(3).to_string(), "cuda:3");
        assert!("tpu".parse::<Device>().is_err());
        assert!("cuda:x".parse::<Device>().is_err());
        assert!("cuda:-1".parse::<Device>().is_err());
    }
}
