//! Printers: server-side-style tables (`kubectl get`), object output (`-o yaml|json|name`),
//! `-o jsonpath=…` and `-o go-template=…`.

pub mod gotemplate;
pub mod jsonpath;
pub mod object;
pub mod rows;
pub mod table;
pub mod yaml;
