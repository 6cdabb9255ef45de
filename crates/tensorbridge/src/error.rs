//! The one error type of the core, with structured variants.
//!
//! Variants carry the data of the failure (operation, shapes, dtype) and
//! their messages say what to do instead. The Python extension maps each
//! variant to one exception type in a single function.

use crate::device::Device;
use crate::dtype::DType;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in tensorbridge's core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A dtype name that is not one of the fifteen.
    #[error("unknown dtype {name:?}: use one of bool, int8..int64, uint8..uint64, float16, bfloat16, float32, float64, complex64, complex128")]
    UnknownDType {
        /// The name given.
        name: String,
    },
    /// A foreign dtype tensorbridge has no element type for.
    #[error("unsupported dtype {name}: tensorbridge holds bool, integer, float and complex data; convert first (for example `.astype(np.float64)`)")]
    UnsupportedDType {
        /// The foreign dtype's name.
        name: String,
    },
    /// A device string that is neither `cpu` nor `cuda[:N]`.
    #[error("unknown device {name:?}: use \"cpu\", \"cuda\" or \"cuda:N\"")]
    UnknownDevice {
        /// The name given.
        name: String,
    },
    /// The operation needs a device this build or machine does not have.
    #[error("{op} is not available on {device}: move the tensor with .cpu() first")]
    DeviceUnavailable {
        /// What was attempted.
        op: &'static str,
        /// The device involved.
        device: Device,
    },
    /// CUDA was asked for where there is none: a build without the `cuda`
    /// feature, no driver, or no GPU.
    #[error("{op} needs CUDA, which is not available here ({reason}; tensorbridge.cuda.is_available() is False): keep the tensor on the CPU")]
    CudaUnavailable {
        /// What was attempted.
        op: &'static str,
        /// Why CUDA is unavailable.
        reason: String,
    },
    /// A CUDA ordinal past the devices the driver reports.
    #[error("{op}: {device} does not exist: the CUDA driver reports {count} device(s); use an ordinal below {count}")]
    NoSuchDevice {
        /// What was attempted.
        op: &'static str,
        /// The device asked for.
        device: Device,
        /// Devices present.
        count: usize,
    },
    /// Operands of one operation on different devices.
    #[error("{op}: expected all tensors on the same device, got {a} and {b}; move one with .to(...), .cuda() or .cpu()")]
    DeviceMismatch {
        /// What was attempted.
        op: &'static str,
        /// One device.
        a: Device,
        /// The other.
        b: Device,
    },
    /// A CUDA driver call failed.
    #[error("{op}: {call} failed with {name} ({code}); the GPU or driver refused the request")]
    CudaDriver {
        /// What was attempted.
        op: &'static str,
        /// The driver function.
        call: &'static str,
        /// The driver's error name, such as `CUDA_ERROR_ILLEGAL_ADDRESS`.
        name: String,
        /// The `CUresult` value.
        code: i32,
    },
    /// A device allocation the GPU has no room for, even after the cache of
    /// freed blocks was handed back to the driver.
    #[error("CUDA out of memory on {device}: tried to allocate {requested_bytes} bytes with {allocated_bytes} bytes in use by tensors; free tensors you no longer need")]
    CudaOutOfMemory {
        /// The device.
        device: Device,
        /// The allocation asked for.
        requested_bytes: usize,
        /// Bytes held by live tensors on that device.
        allocated_bytes: usize,
    },
    /// Two shapes that cannot be broadcast together or must be equal.
    #[error("{op}: shape {got:?} cannot be broadcast to {expected:?}; make the shapes match or broadcastable")]
    ShapeMismatch {
        /// What was attempted.
        op: &'static str,
        /// The shape required.
        expected: Vec<usize>,
        /// The shape given.
        got: Vec<usize>,
    },
    /// Two operands whose shapes do not fit an operation that pairs their
    /// dimensions (matrix products, contractions, sorted-array searches).
    #[error("{op}: shapes {x1_shape:?} and {x2_shape:?} do not fit together: {reason}")]
    IncompatibleShapes {
        /// What was attempted.
        op: &'static str,
        /// The first operand's shape.
        x1_shape: Vec<usize>,
        /// The second operand's shape.
        x2_shape: Vec<usize>,
        /// Which dimensions disagree and what to do.
        reason: &'static str,
    },
    /// A requested shape whose element count differs from the tensor's.
    #[error("{op}: shape {requested:?} is invalid for a tensor of {numel} elements; the product of the dimensions must equal the element count (one dimension may be -1)")]
    InvalidShape {
        /// What was attempted.
        op: &'static str,
        /// The shape asked for (may contain one -1).
        requested: Vec<i64>,
        /// Elements in the tensor.
        numel: usize,
    },
    /// `view` cannot express the new shape over the existing strides.
    #[error("view: shape {requested:?} is not compatible with the tensor's shape {shape:?} and strides {strides:?}; use .reshape(...) (copies when needed) or call .contiguous() first")]
    ViewNotPossible {
        /// The tensor's shape.
        shape: Vec<usize>,
        /// The tensor's strides, in elements.
        strides: Vec<isize>,
        /// The shape asked for.
        requested: Vec<usize>,
    },
    /// `expand` to a shape that does not fit.
    #[error("expand: cannot expand shape {shape:?} to {requested:?}; only size-1 dimensions can grow, and new dimensions go in front")]
    InvalidExpand {
        /// The tensor's shape.
        shape: Vec<usize>,
        /// The shape asked for.
        requested: Vec<i64>,
    },
    /// An index past the end of an axis.
    #[error("index {index} is out of bounds for axis {axis} with size {size}; {}", valid_range("indexes", *.size, "the axis is empty, so no index is valid"))]
    IndexOutOfRange {
        /// The axis indexed.
        axis: usize,
        /// The index given.
        index: i64,
        /// The axis length.
        size: usize,
    },
    /// An axis number outside `-ndim..ndim`.
    #[error("{op}: axis {axis} is out of range for a tensor of {ndim} dimensions; {}", valid_range("axes", *.ndim, "a 0-d tensor has no axis"))]
    AxisOutOfRange {
        /// What was attempted.
        op: &'static str,
        /// The axis given.
        axis: i64,
        /// Dimensions of the tensor.
        ndim: usize,
    },
    /// An indexing key that is malformed (not out of range).
    #[error("invalid index: {reason}")]
    InvalidIndex {
        /// What was wrong and what to do.
        reason: &'static str,
    },
    /// A boolean mask whose shape differs from the dimensions it indexes.
    #[error("boolean index did not match indexed array along axis {axis}; size of axis is {size} but size of corresponding boolean axis is {mask_size}; give a mask of the indexed dimensions' shape")]
    MaskShapeMismatch {
        /// The tensor's axis where the sizes differ.
        axis: usize,
        /// The tensor's size along it.
        size: usize,
        /// The mask's size along it.
        mask_size: usize,
    },
    /// An index array whose dtype is neither integer nor bool.
    #[error("arrays used as indices must be of integer (or boolean) type, got {dtype}; convert with .astype(tensorbridge.int64)")]
    IndexDType {
        /// The dtype given.
        dtype: DType,
    },
    /// Index arrays of one key that do not broadcast together.
    #[error("shape mismatch: indexing arrays could not be broadcast together with shapes {shapes:?}; give index arrays of broadcastable shapes")]
    IndexShapeMismatch {
        /// The shapes of the key's index arrays (masks as their nonzero positions).
        shapes: Vec<Vec<usize>>,
    },
    /// More indexes than dimensions.
    #[error("too many indices: tensor is {ndim}-dimensional but {given} were indexed")]
    TooManyIndices {
        /// Dimensions of the tensor.
        ndim: usize,
        /// Indexes given (not counting None and Ellipsis).
        given: usize,
    },
    /// A permutation that is not one of `0..ndim`.
    #[error("permute: {perm:?} is not a permutation of the {ndim} dimensions; give each of 0..{ndim} once")]
    InvalidPermutation {
        /// The permutation given.
        perm: Vec<i64>,
        /// Dimensions of the tensor.
        ndim: usize,
    },
    /// More dimensions than tensorbridge (and DLPack consumers) accept.
    #[error("{ndim} dimensions is more than the maximum of {max}; reshape to fewer dimensions")]
    TooManyDims {
        /// Dimensions asked for.
        ndim: usize,
        /// The limit.
        max: usize,
    },
    /// A negative dimension size in a shape.
    #[error("negative dimension {dim} in shape; sizes must be >= 0")]
    NegativeDim {
        /// The size given.
        dim: i64,
    },
    /// A size, stride or byte-extent computation overflowed.
    #[error("{what} overflows the address space; use a smaller shape")]
    Overflow {
        /// What overflowed.
        what: &'static str,
    },
    /// A layout that reaches outside the memory it describes.
    #[error("layout reaches elements {lowest}..={highest} but the memory holds {len} elements of {dtype}; the shape, strides or offset are wrong")]
    OutOfBounds {
        /// Lowest element index touched (may be negative).
        lowest: i128,
        /// Highest element index touched.
        highest: i128,
        /// Elements in the memory.
        len: usize,
        /// The dtype.
        dtype: DType,
    },
    /// A null data pointer with elements to read.
    #[error("null data pointer for a non-empty tensor of shape {shape:?}; the producer gave no memory")]
    NullData {
        /// The shape.
        shape: Vec<usize>,
    },
    /// Memory not aligned for its element type.
    #[error("data for {dtype} is misaligned (address {address:#x}, stride or offset not a multiple of {align} bytes); make an aligned copy first (for NumPy: np.ascontiguousarray(a) or a.copy())")]
    Misaligned {
        /// The dtype.
        dtype: DType,
        /// The address.
        address: usize,
        /// Required alignment in bytes.
        align: usize,
    },
    /// A byte stride that is not a whole number of elements.
    #[error("stride of {stride_bytes} bytes is not a multiple of the {itemsize}-byte itemsize of {dtype}; make a contiguous copy first (np.ascontiguousarray(a))")]
    FractionalStride {
        /// The stride in bytes.
        stride_bytes: isize,
        /// The item size.
        itemsize: usize,
        /// The dtype.
        dtype: DType,
    },
    /// A write to read-only memory.
    #[error("{op}: the tensor is read-only (it shares memory that its owner marked non-writeable); make a writeable copy with .clone() or tb.tensor(...)")]
    ReadOnly {
        /// What was attempted.
        op: &'static str,
    },
    /// A write to a tensor in which several elements share one memory location.
    #[error("{op}: several elements of the written-to tensor refer to one memory location (a zero stride from expand or broadcasting, or strides that fold the view onto itself); call .clone() first")]
    InternalOverlap {
        /// What was attempted.
        op: &'static str,
    },
    /// Data of one dtype where another was required.
    #[error("{op}: expected dtype {expected}, got {got}; convert with .to({expected}) or .astype({expected})")]
    DTypeMismatch {
        /// What was attempted.
        op: &'static str,
        /// The dtype required.
        expected: DType,
        /// The dtype given.
        got: DType,
    },
    /// A tensor with other than one element where a scalar was needed.
    #[error("{op}: only a tensor with one element can be converted to a scalar, this one has {numel}; index it first")]
    NotAScalar {
        /// What was attempted.
        op: &'static str,
        /// Elements in the tensor.
        numel: usize,
    },
    /// A sequence length that does not match the shape.
    #[error("{op}: {got} values given for a shape of {expected} elements")]
    LengthMismatch {
        /// What was attempted.
        op: &'static str,
        /// Elements required.
        expected: usize,
        /// Elements given.
        got: usize,
    },
    /// A layout that is not contiguous where one is required.
    #[error("{op} needs a contiguous tensor; call .contiguous() first")]
    NotContiguous {
        /// What was attempted.
        op: &'static str,
    },
    /// The same axis given twice.
    #[error("{op}: axis {axis} is repeated; give each axis once")]
    DuplicateAxis {
        /// What was attempted.
        op: &'static str,
        /// The repeated axis (normalised).
        axis: usize,
    },
    /// A reduction without an identity (max, min, argmax, argmin) over no
    /// elements.
    #[error("{op}: cannot reduce an empty selection (zero-size array to reduction operation {op} which has no identity); reduce over non-empty axes or check the size first")]
    EmptyReduction {
        /// What was attempted.
        op: &'static str,
    },
    /// An operation that is not defined for a dtype.
    #[error("{op} is not defined for {dtype} tensors: it takes {expected}; convert first with .astype(...)")]
    DTypeNotSupported {
        /// What was attempted.
        op: &'static str,
        /// The dtype given.
        dtype: DType,
        /// The dtypes the operation takes, in words.
        expected: &'static str,
    },
    /// An integer-only operation on two integer dtypes whose only common
    /// dtype is a float (a signed integer with uint64).
    #[error("{op} of {a} and {b}: they have no common integer dtype (together they promote to {common}), and {op} takes integers; convert one first, e.g. .astype(tensorbridge.int64)")]
    NoCommonIntegerDType {
        /// What was attempted.
        op: &'static str,
        /// The first operand's dtype.
        a: DType,
        /// The second operand's dtype.
        b: DType,
        /// Their common dtype.
        common: DType,
    },
    /// A count (repeats, samples, rows) that is negative.
    #[error("{op}: {what} must be >= 0, got {value}")]
    NegativeCount {
        /// What was attempted.
        op: &'static str,
        /// Which argument.
        what: &'static str,
        /// The value given.
        value: i64,
    },
    /// A tensor with fewer dimensions than the operation needs.
    #[error("{op} needs a tensor with at least {min} dimension(s), got {ndim}; reshape or expand_dims first")]
    TooFewDims {
        /// What was attempted.
        op: &'static str,
        /// Dimensions of the tensor given.
        ndim: usize,
        /// Dimensions required.
        min: usize,
    },
    /// A matrix function given a tensor with fewer than two dimensions.
    #[error("{op} needs a matrix or a stack of matrices (at least 2 dimensions), got shape {shape:?}; reshape or expand_dims first")]
    NotAMatrix {
        /// What was attempted.
        op: &'static str,
        /// The shape given.
        shape: Vec<usize>,
    },
    /// A matrix function given a stack whose matrices are not square.
    #[error("{op} needs square matrices in the last two dimensions, got shape {shape:?}; slice the matrices square or use a function for rectangular ones (svd, pinv, qr)")]
    NotSquare {
        /// What was attempted.
        op: &'static str,
        /// The shape given.
        shape: Vec<usize>,
    },
    /// A matrix that a factorization cannot take (NumPy's `LinAlgError`):
    /// singular for `inv`/`solve`, not positive definite for `cholesky`,
    /// or an iteration that did not converge (non-finite input).
    #[error("{op}: {reason}")]
    LinAlg {
        /// What was attempted.
        op: &'static str,
        /// What the matrix is and what to do.
        reason: &'static str,
    },
    /// `squeeze` of an axis whose size is not one.
    #[error("squeeze: axis {axis} has size {size}, only axes of size 1 can be removed; index or reshape instead")]
    SqueezeNotSizeOne {
        /// The axis (normalised).
        axis: usize,
        /// Its size.
        size: usize,
    },
    /// Tensors to join (`concat`, `stack`) whose shapes do not fit together.
    #[error("{op}: tensor {index} has shape {got:?} but tensor 0 has shape {first:?}; {rule}")]
    JoinShapeMismatch {
        /// What was attempted.
        op: &'static str,
        /// Position of the offending tensor in the input sequence.
        index: usize,
        /// Shape of the first tensor.
        first: Vec<usize>,
        /// Shape of the offending tensor.
        got: Vec<usize>,
        /// Which shapes the operation accepts.
        rule: &'static str,
    },
    /// An argument value that cannot work.
    #[error("{op}: {reason}")]
    InvalidArgument {
        /// What was attempted.
        op: &'static str,
        /// What was wrong and what to do.
        reason: &'static str,
    },
    /// A DLPack data type with no tensorbridge dtype (or more than one lane).
    #[error("DLPack data type (code {code}, bits {bits}, lanes {lanes}) is not supported: tensorbridge takes single-lane bool, int, uint, float, bfloat16 and complex data; convert it in the producer first")]
    DLPackDType {
        /// `DLDataTypeCode`.
        code: u8,
        /// Bits per lane.
        bits: u8,
        /// Lanes.
        lanes: u16,
    },
    /// A DLPack device other than the CPU, given or requested.
    #[error("DLPack device (type {device_type}, id {device_id}) is not supported here: tensorbridge exchanges CPU memory (kDLCPU = 1, id 0) and, where CUDA is available, the memory of a GPU present (kDLCUDA = 2); copy the data to the CPU first")]
    DLPackDevice {
        /// `DLDeviceType`.
        device_type: i32,
        /// Device ordinal.
        device_id: i32,
    },
    /// A DLPack ABI major version this build cannot read.
    #[error("DLPack version {major}.{minor} is not supported: tensorbridge reads DLPack 1.x; ask the producer for max_version=(1, x)")]
    DLPackVersion {
        /// Major version given.
        major: u32,
        /// Minor version given.
        minor: u32,
    },
    /// A DLPack tensor that says it is on a GPU but whose pointer the CUDA
    /// driver does not know as that GPU's memory (host memory, a stale or
    /// made-up address, another GPU's memory).
    #[error("malformed DLPack tensor: it says it is on CUDA device {device_id}, but the CUDA driver does not know its data pointer {address:#x} as that device's memory; the producer built an invalid tensor")]
    DLPackNotDeviceMemory {
        /// The device ordinal the tensor claims.
        device_id: i32,
        /// The data pointer (with the byte offset added).
        address: usize,
    },
    /// A DLPack struct whose fields make no sense.
    #[error("malformed DLPack tensor: {field} is {value}, expected {expected}; the producer built an invalid tensor")]
    DLPackMalformed {
        /// The field.
        field: &'static str,
        /// Its value (0 for a null pointer).
        value: i64,
        /// What a valid value looks like.
        expected: &'static str,
    },
    /// Serialized tensor data whose byte length does not match its dtype,
    /// shape and strides (a corrupt or tampered pickle).
    #[error("{op}: the data holds {got_bytes} bytes but its dtype, shape and strides need {expected_bytes}; the data is corrupt or was not written by tensorbridge")]
    ByteLengthMismatch {
        /// What was attempted.
        op: &'static str,
        /// Bytes the layout needs.
        expected_bytes: u64,
        /// Bytes given.
        got_bytes: u64,
    },
    /// A `.npy` header that cannot be parsed.
    #[error("malformed .npy header at byte {offset}: {reason}; the file is corrupt or was not written by np.save or tensorbridge.save")]
    NpyMalformed {
        /// What is wrong.
        reason: &'static str,
        /// Byte offset in the file where parsing stopped.
        offset: usize,
    },
    /// A `.npy` format version this build cannot read.
    #[error(".npy format version {major}.{minor} is not supported: tensorbridge reads versions 1.0, 2.0 and 3.0; rewrite the file with np.save")]
    NpyVersion {
        /// Major version in the file.
        major: u8,
        /// Minor version in the file.
        minor: u8,
    },
    /// A `.npy` header longer than any tensor's header can be.
    #[error("the .npy header is {len_bytes} bytes, more than the {max_bytes} bytes a tensor's header needs (NumPy's own limit); the file is corrupt or holds a structured dtype")]
    NpyHeaderTooLarge {
        /// Header length stated by the file.
        len_bytes: u64,
        /// The limit.
        max_bytes: usize,
    },
    /// A `.npy` file with less data than its header describes.
    #[error("the .npy file is truncated: its header describes {expected_bytes} bytes of data but only {got_bytes} follow the header")]
    NpyTruncated {
        /// Data bytes the header describes.
        expected_bytes: u64,
        /// Data bytes present.
        got_bytes: u64,
    },
    /// Big-endian `.npy` data asked to be mapped as a native little-endian tensor.
    #[error("cannot map the .npy file's non-native byte order data (descr {descr:?}) as a tensor: tensors hold native-order memory; load it with mmap=False (reads and swaps the bytes), or rewrite the file once in native order: np.save(path, a.astype(a.dtype.newbyteorder('=')))")]
    NpyByteOrder {
        /// The file's dtype descr, e.g. `">f4"`.
        descr: String,
    },
    /// `.npy` data whose start is not aligned for its dtype, asked to be mapped.
    #[error("the .npy data starts at byte {data_offset}, which is not a multiple of the {align}-byte alignment of {dtype}, so it cannot be mapped; load it with mmap=False, or rewrite it with np.save (which aligns data to 64 bytes)")]
    NpyMisaligned {
        /// Byte offset of the data in the file.
        data_offset: usize,
        /// Required alignment.
        align: usize,
        /// The dtype.
        dtype: DType,
    },
    /// An operating-system error while reading, writing or mapping a file.
    #[error("{op} {path:?}: {message}")]
    Io {
        /// What was attempted (`"load"`, `"save"`, `"mmap"`).
        op: &'static str,
        /// The file.
        path: String,
        /// The OS error number, when there is one.
        errno: Option<i32>,
        /// The OS's description of the error.
        message: String,
    },
    /// `share_memory_` on memory that belongs to someone else.
    #[error("share_memory_: the tensor views memory owned by someone else (a NumPy array, a DLPack producer such as PyTorch, a pickle buffer, or a mapped file), which tensorbridge cannot move into shared memory; share a copy instead: tb.tensor(x).share_memory_()")]
    ShareForeignMemory,
    /// `share_memory_` on memory whose address has already been handed out.
    #[error("share_memory_: the tensor's memory has been handed out (to a NumPy array, __array_interface__, a memoryview or pickle buffer, or a DLPack consumer), which would keep using the old memory; call share_memory_() before handing the tensor out, or share a copy: t.clone().share_memory_()")]
    ShareExported,
    /// Shared memory on a platform without it.
    #[error("{op}: shared memory is not supported on this platform (tensorbridge uses Linux memfd); send tensors to other processes by pickling them (protocol 5 hands the bytes out of band)")]
    SharedMemoryUnsupported {
        /// What was attempted.
        op: &'static str,
    },
    /// An operating-system call for shared memory failed.
    #[error("{op}: {call} failed: {message}; free memory or file descriptors (ulimit -n), or send the tensor's bytes by pickling it instead")]
    SharedMemoryOs {
        /// What was attempted (`"share_memory_"`, `"receiving a shared tensor"`).
        op: &'static str,
        /// The system call (`"memfd_create"`, `"ftruncate"`, `"mmap"`, `"fstat"`).
        call: &'static str,
        /// The OS error number, when there is one.
        errno: Option<i32>,
        /// The OS's description of the error.
        message: String,
    },
    /// A received shared-memory handle too small for the tensor it should hold.
    #[error("receiving a shared tensor: the shared memory holds {got_bytes} bytes but the tensor needs {expected_bytes}; the handle is corrupt or was not made by tensorbridge")]
    SharedMemoryTooSmall {
        /// Bytes the tensor needs.
        expected_bytes: u64,
        /// Bytes in the shared memory.
        got_bytes: u64,
    },
    /// A read-only tensor asked for in the legacy DLPack ABI, which has no read-only flag.
    #[error("cannot export a read-only tensor as a legacy DLPack capsule (it cannot say read-only): pass max_version=(1, 0) or newer, or export a writeable copy with .clone()")]
    DLPackReadOnly,
}

/// The valid positions among `n`, counted from either end ("valid indexes
/// are -3 to 2, inclusive"), or `none` where `n` is 0.
fn valid_range(what: &str, n: usize, none: &str) -> String {
    match n {
        0 => none.to_string(),
        _ => format!("valid {what} are -{n} to {}, inclusive", n - 1),
    }
}
