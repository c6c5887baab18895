//! `kubectl describe` renderers (filled in by the describe work).
