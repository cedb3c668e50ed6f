//! Fuzz target: `attest_check::fuzzing::onnx` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| attest_check::fuzzing::onnx(data));
