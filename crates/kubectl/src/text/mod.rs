//! Text layout primitives shared by printers: tab writers, durations, timestamps.
