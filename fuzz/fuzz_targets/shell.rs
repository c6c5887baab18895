#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubeplay_fuzzing::shell(data));
