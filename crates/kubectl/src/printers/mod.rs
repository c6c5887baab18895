//! Printers: server-side-style tables (`kubectl get`), object output (`-o yaml|json|name`).

pub mod jsonpath;
pub mod object;
pub mod rows;
pub mod table;
pub mod yaml;
